import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { fetchText } from './fetch.js';
import { parseYaml } from './yaml.js';
import { resolveLocations } from './locations.js';
import { toUri, uriToPath } from './uri.js';

/** Reads a YAML/JSON job object; File/Directory locations resolve against the job file. */
export async function loadJobFile(reference: string): Promise<Record<string, unknown>> {
  const uri = toUri(reference);
  const text = await fetchText(uri);
  const parsed = parseYaml(text, uri);
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw new ValidationError(`${uriToPath(uri)}: a job object must be a mapping of input names to values`);
  const { cwl_outdir: _o, ...rest } = parsed;
  return resolveLocations(rest, uri) as Record<string, unknown>;
}
