import { isPlainObject, type Requirement } from '../model/types.js';
import { normalizeRequirements } from './normalizeProcess.js';
import { ValidationError } from '../errors.js';
import { fetchText } from './fetch.js';
import { parseYaml } from './yaml.js';
import { resolveLocations } from './locations.js';
import { toUri, uriToPath } from './uri.js';

export interface JobFile {
  readonly inputs: Record<string, unknown>;
  /** `cwl:requirements` of the job object, applied to the top-level process. */
  readonly requirements: Requirement[];
}

/** Reads a YAML/JSON job object; File/Directory locations resolve against the job file. */
export async function loadJobFile(reference: string): Promise<JobFile> {
  const uri = toUri(reference);
  const text = await fetchText(uri);
  const parsed = parseYaml(text, uri);
  if (parsed === null || parsed === undefined) return { inputs: {}, requirements: [] };
  if (!isPlainObject(parsed)) throw new ValidationError(`${uriToPath(uri)}: a job object must be a mapping of input names to values`);
  const { cwl_outdir: _o, 'cwl:requirements': reqs, 'cwl:tool': _t, $namespaces: _n, $schemas: _s, ...rest } = parsed;
  return {
    inputs: resolveLocations(rest, uri) as Record<string, unknown>,
    requirements: normalizeRequirements(reqs, {}, uriToPath(uri), true, uri),
  };
}
