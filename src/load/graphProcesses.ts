import { isPlainObject } from '../model/types.js';
import { DocumentCache } from './documentCache.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { graphIds } from './processLoader.js';
import { fragmentOf, toUri, withoutFragment } from '../files/uri.js';

/**
 * The processes `--validate` checks for a reference: the one it names, or,
 * for a `$graph` of several processes without `#main` and no fragment given,
 * every process in the graph (as cwltool validates them all).
 */
export async function processesToValidate(reference: string, limits: LoadLimits = DEFAULT_LIMITS): Promise<string[]> {
  const uri = toUri(reference);
  if (fragmentOf(uri)) return [uri];
  const doc = await new DocumentCache(limits).load(uri);
  const content = doc.content;
  if (!isPlainObject(content) || !Array.isArray(content.$graph) || content.$graph.length < 2) return [uri];
  const ids = graphIds(content.$graph);
  return ids.includes('main') ? [uri] : ids.map((id) => `${withoutFragment(uri)}#${id}`);
}
