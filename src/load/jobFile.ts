import { isPlainObject, type Requirement } from '../model/types.js';
import { normalizeRequirements } from './normalizeProcess.js';
import { ValidationError } from '../errors.js';
import { fetchText } from './fetch.js';
import { parseYaml } from './yaml.js';
import { resolveLocations } from './locations.js';
import { resolveUri, toUri, uriToPath } from '../files/uri.js';
import { DEFAULT_LIMITS, jobFileSizeLimit, type LoadLimits } from './limits.js';
import { hereOrInWorker } from './worker.js';
import type { LoadGuard } from './guard.js';
import { overridesEntry, type OverridesTable } from './overrides.js';
import { mayHoldInexactIntegers, refuseInexactIntegers } from './exactIntegers.js';

export interface JobFile {
  readonly inputs: Record<string, unknown>;
  /** `cwl:requirements` of the job object, applied to the top-level process. */
  readonly requirements: Requirement[];
  /** `cwl:tool`: the process the job object is for, resolved against the job file (as cwltool does); absent: none named. */
  readonly tool?: string;
  /** `cwltool:overrides` of the job object, which cwltool reads there as from an --overrides file. */
  readonly overrides?: OverridesTable;
}

export interface JobFileOptions {
  /** Ends loading at once (rejecting with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Defaults to the built-in limits (the CLI passes them with the BESPIN_MAX_* variables applied). */
  readonly limits?: LoadLimits;
}

/**
 * Reads a YAML/JSON job object; File/Directory locations resolve against the
 * job file. The file may be at most `jobFileBytes` (BESPIN_MAX_JOB_FILE_BYTES),
 * also once its aliases are expanded; a large one is parsed in a worker thread.
 */
export async function loadJobFile(reference: string, options: JobFileOptions = {}): Promise<JobFile> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const uri = toUri(reference);
  return hereOrInWorker({ kind: 'job', uri, limits }, options.signal, (here, guard) => readJobFile(uri, here, guard));
}

/** loadJobFile's work, in this thread. */
export async function readJobFile(uri: string, limits: LoadLimits, guard?: LoadGuard): Promise<JobFile> {
  const limit = jobFileSizeLimit(limits);
  const text = await fetchText(uri, { limit });
  guard?.check();
  return jobObjectFromText(text, uri, limits);
}

/**
 * A job object from its text; locations resolve against `uri` (for `-`,
 * standard input, the working directory).
 */
export function jobObjectFromText(text: string, uri: string, limits: LoadLimits): JobFile {
  const parsed = parseYaml(text, uri, jobFileSizeLimit(limits), { markInexactIntegers: true }).value;
  if (parsed === null || parsed === undefined) return { inputs: {}, requirements: [] };
  if (!isPlainObject(parsed)) throw new ValidationError(`${uriToPath(uri)}: a job object must be a mapping of input names to values`);
  if (mayHoldInexactIntegers(text)) refuseInexactIntegers(parsed, uriToPath(uri));
  const table = overridesEntry(parsed);
  const {
    cwl_outdir: _o, 'cwl:requirements': reqs, 'cwl:tool': tool, $namespaces: _n, $schemas: _s,
    'cwltool:overrides': _co, 'http://commonwl.org/cwltool#overrides': _ho, ...rest
  } = parsed;
  if (tool !== undefined && typeof tool !== 'string') throw new ValidationError(`${uriToPath(uri)}: cwl:tool must name a CWL document, got ${JSON.stringify(tool)}`);
  return {
    inputs: resolveLocations(rest, uri) as Record<string, unknown>,
    requirements: normalizeRequirements(reqs, {}, uriToPath(uri), true, uri),
    ...(tool !== undefined ? { tool: resolveUri(tool, uri) } : {}),
    ...(table === undefined ? {} : { overrides: { table, uri } }),
  };
}
