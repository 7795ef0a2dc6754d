import path from 'node:path';
import { isPlainObject } from '../model/types.js';
import { resolveUri, toUri, uriToPath, withoutFragment } from '../files/uri.js';
import { DocumentCache } from './documentCache.js';
import type { LoadLimits } from './limits.js';

const CWL_FORMAT = 'https://www.iana.org/assignments/media-types/application/cwl';

/** A document as `cwltool --print-deps` lists it: a File, the documents it runs as its secondaryFiles. */
export interface DocumentDependency {
  class: 'File';
  location: string;
  format: string;
  basename?: string;
  nameroot?: string;
  nameext?: string;
  secondaryFiles?: DocumentDependency[];
}

/**
 * `--print-deps`: the document and, nested under each document, the other
 * documents its steps `run`, with locations relative to the document's
 * directory, as cwltool prints them (`$import`/`$include` are expanded
 * where they stand, so they add no document of their own here).
 */
export async function documentDependencies(reference: string, limits: LoadLimits): Promise<DocumentDependency> {
  const cache = new DocumentCache(limits);
  const main = withoutFragment(toUri(reference));
  const base = path.dirname(uriToPath(main));
  const seen = new Set<string>([main]);
  const relative = (uri: string): string => (uri.startsWith('file:') ? path.relative(base, uriToPath(uri)) : uri);
  const visit = async (uri: string): Promise<DocumentDependency[]> => {
    const doc = await cache.load(uri);
    const found: DocumentDependency[] = [];
    for (const run of stepRuns(doc.content)) {
      const target = withoutFragment(resolveUri(run, doc.uri));
      if (seen.has(target)) continue;
      seen.add(target);
      const basename = path.posix.basename(relative(target));
      const ext = path.posix.extname(basename);
      const nested = await visit(target);
      found.push({
        class: 'File', location: relative(target), format: CWL_FORMAT, basename, nameroot: basename.slice(0, basename.length - ext.length), nameext: ext,
        ...(nested.length > 0 ? { secondaryFiles: nested } : {}),
      });
    }
    return found;
  };
  return { class: 'File', location: relative(main), format: CWL_FORMAT, secondaryFiles: await visit(main) };
}

/** The `run` references of every step in a document's processes (inline runs searched too). */
function stepRuns(content: unknown): string[] {
  if (Array.isArray(content)) return content.flatMap(stepRuns);
  if (!isPlainObject(content)) return [];
  if (Array.isArray(content.$graph)) return content.$graph.flatMap(stepRuns);
  const steps = Array.isArray(content.steps) ? content.steps : isPlainObject(content.steps) ? Object.values(content.steps) : [];
  return steps.flatMap((step) => {
    if (!isPlainObject(step)) return [];
    return typeof step.run === 'string' ? [step.run] : stepRuns(step.run);
  });
}
