import type { ExpressionEngine } from '../expressions/index.js';
import type { CwlVersion } from '../model/types.js';
import { ValidationError } from '../errors.js';
import type { RequirementSet } from '../model/requirements.js';

/** ResourceRequirement as written (evaluated): requests and limits for a pod. */
export interface ResourceBounds {
  readonly coresMin?: number;
  readonly coresMax?: number;
  /** MiB */
  readonly ramMin?: number;
  readonly ramMax?: number;
  readonly gpus?: number;
  /** MiB when the tool names no RAM: its version's default (v1.0: 1024, as cwltool and Calrissian request), else 256. */
  readonly defaultRamMiB?: number;
}

/** runtime.cores/ram/outdirSize/tmpdirSize as cwltool computes them, and the bounds they came from. */
export interface ResourceEvaluation {
  readonly cores: number;
  readonly ram: number;
  readonly outdirSize: number;
  readonly tmpdirSize: number;
  readonly bounds: ResourceBounds;
}

/** CWL's defaults when a bound is absent: 1 core and 256 MiB (outdir/tmpdir 1024 MiB). */
export const DEFAULT_CORES = 1;
export const DEFAULT_RAM_MIB = 256;
/** cwltool's runtime.ram for a v1.0 tool that names no RAM (v1.1 wrote 256 into the spec). */
const V1_0_DEFAULT_RAM_MIB = 1024;

/**
 * What a job asks a scheduler for: the minimum, else the maximum, else CWL's
 * default. Cores stay fractional (a pod may request 500m); RAM is whole MiB.
 */
export function requestedResources(bounds: ResourceBounds): { readonly cores: number; readonly ramMiB: number } {
  return { cores: bounds.coresMin ?? bounds.coresMax ?? DEFAULT_CORES, ramMiB: Math.ceil(bounds.ramMin ?? bounds.ramMax ?? bounds.defaultRamMiB ?? DEFAULT_RAM_MIB) };
}

/**
 * What a job reserves from the run's budget and what its pod requests.
 * `minimum`, cwltool's: the minimum; a stated maximum becomes the pod's
 * limit. `maximum`, Calrissian 0.18.1's: the maximum (a missing one being the
 * minimum, then CWL's default), capped at the budget, and no limit.
 * runtime.cores and runtime.ram stay cwltool's either way.
 */
export type RequestPolicy =
  | { readonly kind: 'minimum' }
  | { readonly kind: 'maximum'; readonly maxCores?: number; readonly maxRamMiB?: number };

/** `r` with its bounds as `policy` requests them (under `maximum`: only minima, the chosen sizes). */
export function withRequestPolicy(r: ResourceEvaluation, policy: RequestPolicy): ResourceEvaluation {
  if (policy.kind === 'minimum') return r;
  const { coresMin, coresMax, ramMin, ramMax, defaultRamMiB, ...rest } = r.bounds;
  const cores = Math.min(coresMax ?? coresMin ?? DEFAULT_CORES, policy.maxCores ?? Infinity);
  const ramMiB = Math.min(ramMax ?? ramMin ?? defaultRamMiB ?? DEFAULT_RAM_MIB, policy.maxRamMiB ?? Infinity);
  return { ...r, bounds: { ...rest, coresMin: cores, ramMin: ramMiB } };
}

const FIELDS = ['coresMin', 'coresMax', 'ramMin', 'ramMax', 'outdirMin', 'outdirMax', 'tmpdirMin', 'tmpdirMax'] as const;

/**
 * Evaluates ResourceRequirement (and cwltool:CUDARequirement) once per job:
 * the scheduler admits the job on it, the runtime object and a pod's
 * requests/limits are derived from it. `version` is the tool's own: before
 * v1.2 an expression must give a whole number, and a v1.0 tool's RAM
 * defaults to 1024 MiB (runtime.ram, the scheduler's reservation, a pod's
 * request), as cwltool and Calrissian have it.
 */
export async function evaluateResources(
  requirements: RequirementSet, engine: ExpressionEngine, inputs: Record<string, unknown>,
  tool: { readonly version: CwlVersion; readonly where: string } = { version: 'v1.2', where: 'tool' },
): Promise<ResourceEvaluation> {
  const { version, where } = tool;
  const rr = requirements.get('ResourceRequirement') ?? requirements.get('cwltool:ResourceRequirement');
  const cuda = requirements.get('cwltool:CUDARequirement');
  const values: Partial<Record<(typeof FIELDS)[number], number>> = {};
  if (rr) {
    const runtime = { outdir: '', tmpdir: '', cores: 1, ram: 256, outdirSize: 1024, tmpdirSize: 1024 };
    for (const key of FIELDS) {
      if (rr[key] === undefined) continue;
      const v = await engine.evaluate(rr[key], { inputs, self: null, runtime });
      if (typeof v === 'number' && version !== 'v1.2' && !Number.isInteger(v)) {
        throw new ValidationError(`${where}: ResourceRequirement ${key} evaluated to ${v}; fractional values need cwlVersion v1.2, but the tool declares ${version}`);
      }
      if (typeof v === 'number') values[key] = v;
    }
  }
  const pick = (min: number | undefined, max: number | undefined, fallback: number): number => Math.ceil(min ?? max ?? fallback);
  const bounds: { -readonly [K in keyof ResourceBounds]: ResourceBounds[K] } = {};
  for (const key of ['coresMin', 'coresMax', 'ramMin', 'ramMax'] as const) if (values[key] !== undefined) bounds[key] = values[key];
  if (cuda) bounds.gpus = Number(cuda.cudaDeviceCountMin ?? 1);
  if (version === 'v1.0') bounds.defaultRamMiB = V1_0_DEFAULT_RAM_MIB;
  return {
    cores: pick(values.coresMin, values.coresMax, DEFAULT_CORES),
    ram: pick(values.ramMin, values.ramMax, version === 'v1.0' ? V1_0_DEFAULT_RAM_MIB : DEFAULT_RAM_MIB),
    outdirSize: pick(values.outdirMin, values.outdirMax, 1024),
    tmpdirSize: pick(values.tmpdirMin, values.tmpdirMax, 1024),
    bounds,
  };
}
