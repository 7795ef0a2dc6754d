import type { Process, Requirement, WorkflowStep } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { fetchText } from './fetch.js';
import { DEFAULT_LIMITS, jobFileSizeLimit, type LoadLimits } from './limits.js';
import { normalizeRequirements } from './normalizeProcess.js';
import { resolveUri, toUri, uriToPath, withoutFragment } from '../files/uri.js';
import { parseYaml } from './yaml.js';

/**
 * Requirements that replace a process's or a step's own, keyed by its URI
 * (`tool.cwl`, `wf.cwl#step_tool`, `wf.cwl#step1`).
 */
export type Overrides = ReadonlyMap<string, readonly Requirement[]>;

/** A `cwltool:overrides` mapping as written, and the URI of the file that held it. */
export interface OverridesTable {
  readonly table: unknown;
  readonly uri: string;
}

/** The `cwltool:overrides` entry of a parsed overrides file or job object, under either spelling. */
export function overridesEntry(parsed: Record<string, unknown>): unknown {
  return parsed['cwltool:overrides'] ?? parsed['http://commonwl.org/cwltool#overrides'];
}

/** Reads cwltool's `--overrides` file: `cwltool:overrides: {tool.cwl: {requirements: {EnvVarRequirement: {...}}}}`. */
export async function readOverridesFile(reference: string, limits: LoadLimits = DEFAULT_LIMITS): Promise<OverridesTable> {
  const uri = toUri(reference);
  const limit = jobFileSizeLimit(limits);
  const parsed = parseYaml(await fetchText(uri, { limit }), uri, limit).value;
  const table = isPlainObject(parsed) ? overridesEntry(parsed) : undefined;
  if (!isPlainObject(table)) throw new ValidationError(`${uriToPath(uri)}: an overrides file needs a 'cwltool:overrides' mapping of process to requirements`);
  return { table, uri };
}

/**
 * The overrides of a `cwltool:overrides` mapping. As cwltool resolves them,
 * the keys are relative to the document run (`tool.cwl`, `wf.cwl#step1`),
 * whichever file held them; what the requirements name is relative to that file.
 */
export function resolveOverrides(from: OverridesTable, document: string): Overrides {
  const where = from.uri.startsWith('file:') ? uriToPath(from.uri) : from.uri;
  if (!isPlainObject(from.table)) throw new ValidationError(`${where}: 'cwltool:overrides' must be a mapping of process or step to requirements`);
  const base = withoutFragment(toUri(document));
  const out = new Map<string, readonly Requirement[]>();
  for (const [key, entry] of Object.entries(from.table)) {
    if (!isPlainObject(entry)) throw new ValidationError(`${where}: override '${key}' must be a mapping with 'requirements'`);
    out.set(resolveUri(key, base), normalizeRequirements(entry.requirements, {}, `${where} override '${key}'`, true, from.uri));
  }
  return out;
}

/** The requirements with the overridden classes replaced (overrides first). */
function overridden(requirements: readonly Requirement[], own: readonly Requirement[] | undefined): readonly Requirement[] {
  if (!own) return requirements;
  const classes = new Set(own.map((r) => r.class));
  return [...own, ...requirements.filter((r) => !classes.has(r.class))];
}

/** A step's URI as an override names it: `wf.cwl#step1`, `packed.cwl#main/step1`. */
function stepUri(wf: Process, step: WorkflowStep): string {
  return wf.id ? `${resolveUri(wf.id, wf.baseUri)}/${step.id}` : `${withoutFragment(wf.baseUri)}#${step.id}`;
}

/**
 * The process tree with each overridden process's and step's requirements
 * replaced class by class. A step's overrides are the step's requirements,
 * so its tool's own requirements of the same class still win (as in cwltool).
 */
export function applyOverrides(process: Process, overrides: Overrides): Process {
  if (overrides.size === 0) return process;
  const own = (process.id ? overrides.get(resolveUri(process.id, process.baseUri)) : undefined) ?? overrides.get(withoutFragment(process.baseUri));
  const requirements = overridden(process.requirements, own);
  if (process.class !== 'Workflow') return { ...process, requirements };
  const steps = process.steps.map((s) => ({
    ...s, requirements: overridden(s.requirements, overrides.get(stepUri(process, s))), run: applyOverrides(s.run, overrides),
  }));
  return { ...process, requirements, steps };
}
