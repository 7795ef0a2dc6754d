import type { Process, Requirement } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { fetchText } from './fetch.js';
import { DEFAULT_LIMITS, jobFileSizeLimit, type LoadLimits } from './limits.js';
import { normalizeRequirements } from './normalizeProcess.js';
import { resolveUri, toUri, uriToPath, withoutFragment } from '../files/uri.js';
import { parseYaml } from './yaml.js';

/** Requirements that replace a process's own, keyed by the process's URI (`tool.cwl`, `wf.cwl#step_tool`). */
export type Overrides = ReadonlyMap<string, readonly Requirement[]>;

/**
 * Reads cwltool's `--overrides` file:
 * `cwltool:overrides: {tool.cwl: {requirements: {EnvVarRequirement: {...}}}}`,
 * the keys relative to the file.
 */
export async function readOverrides(reference: string, limits: LoadLimits = DEFAULT_LIMITS): Promise<Overrides> {
  const uri = toUri(reference);
  const where = uriToPath(uri);
  const limit = jobFileSizeLimit(limits);
  const parsed = parseYaml(await fetchText(uri, { limit }), uri, limit).value;
  const table = isPlainObject(parsed) ? parsed['cwltool:overrides'] ?? parsed['http://commonwl.org/cwltool#overrides'] : undefined;
  if (!isPlainObject(table)) throw new ValidationError(`${where}: an overrides file needs a 'cwltool:overrides' mapping of process to requirements`);
  const out = new Map<string, readonly Requirement[]>();
  for (const [key, entry] of Object.entries(table)) {
    if (!isPlainObject(entry)) throw new ValidationError(`${where}: override '${key}' must be a mapping with 'requirements'`);
    out.set(resolveUri(key, uri), normalizeRequirements(entry.requirements, {}, `${where} override '${key}'`, true, uri));
  }
  return out;
}

/** The process tree with each overridden process's requirements replaced class by class (overrides first). */
export function applyOverrides(process: Process, overrides: Overrides): Process {
  if (overrides.size === 0) return process;
  const own = (process.id ? overrides.get(resolveUri(process.id, process.baseUri)) : undefined) ?? overrides.get(withoutFragment(process.baseUri));
  const classes = new Set((own ?? []).map((r) => r.class));
  const requirements = own ? [...own, ...process.requirements.filter((r) => !classes.has(r.class))] : process.requirements;
  if (process.class !== 'Workflow') return { ...process, requirements };
  return { ...process, requirements, steps: process.steps.map((s) => ({ ...s, run: applyOverrides(s.run, overrides) })) };
}
