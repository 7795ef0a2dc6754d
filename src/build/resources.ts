import type { ExpressionEngine } from '../expressions/index.js';
import type { RequirementSet } from './requirements.js';

/** ResourceRequirement as written (evaluated): requests and limits for a pod. */
export interface ResourceBounds {
  readonly coresMin?: number;
  readonly coresMax?: number;
  /** MiB */
  readonly ramMin?: number;
  readonly ramMax?: number;
  readonly gpus?: number;
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

/**
 * What a job asks a scheduler for: the minimum, else the maximum, else CWL's
 * default. Cores stay fractional (a pod may request 500m); RAM is whole MiB.
 */
export function requestedResources(bounds: ResourceBounds): { readonly cores: number; readonly ramMiB: number } {
  return { cores: bounds.coresMin ?? bounds.coresMax ?? DEFAULT_CORES, ramMiB: Math.ceil(bounds.ramMin ?? bounds.ramMax ?? DEFAULT_RAM_MIB) };
}

const FIELDS = ['coresMin', 'coresMax', 'ramMin', 'ramMax', 'outdirMin', 'outdirMax', 'tmpdirMin', 'tmpdirMax'] as const;

/**
 * Evaluates ResourceRequirement (and cwltool:CUDARequirement) once per job:
 * the scheduler admits the job on it, the runtime object and a pod's
 * requests/limits are derived from it.
 */
export async function evaluateResources(
  requirements: RequirementSet, engine: ExpressionEngine, inputs: Record<string, unknown>,
): Promise<ResourceEvaluation> {
  const rr = requirements.get('ResourceRequirement') ?? requirements.get('cwltool:ResourceRequirement');
  const cuda = requirements.get('cwltool:CUDARequirement');
  const values: Partial<Record<(typeof FIELDS)[number], number>> = {};
  if (rr) {
    const runtime = { outdir: '', tmpdir: '', cores: 1, ram: 256, outdirSize: 1024, tmpdirSize: 1024 };
    for (const key of FIELDS) {
      if (rr[key] === undefined) continue;
      const v = await engine.evaluate(rr[key], { inputs, self: null, runtime });
      if (typeof v === 'number') values[key] = v;
    }
  }
  const pick = (min: number | undefined, max: number | undefined, fallback: number): number => Math.ceil(min ?? max ?? fallback);
  const bounds: { -readonly [K in keyof ResourceBounds]: ResourceBounds[K] } = {};
  for (const key of ['coresMin', 'coresMax', 'ramMin', 'ramMax'] as const) if (values[key] !== undefined) bounds[key] = values[key];
  if (cuda) bounds.gpus = Number(cuda.cudaDeviceCountMin ?? 1);
  return {
    cores: pick(values.coresMin, values.coresMax, DEFAULT_CORES),
    ram: pick(values.ramMin, values.ramMax, DEFAULT_RAM_MIB),
    outdirSize: pick(values.outdirMin, values.outdirMax, 1024),
    tmpdirSize: pick(values.tmpdirMin, values.tmpdirMax, 1024),
    bounds,
  };
}
