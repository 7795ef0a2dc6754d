import { PermanentFailure } from '../errors.js';

export type ScatterMethod = 'dotproduct' | 'nested_crossproduct' | 'flat_crossproduct';

/** One element of a scatter: the index path (for nesting results) and the input values. */
export interface ScatterJob {
  readonly index: readonly number[];
  readonly inputs: Record<string, unknown>;
}

/**
 * Expands a step's inputs into one job per scatter element. Only the scattered
 * inputs differ between jobs; the others are shared, not copied.
 */
export function scatterJobs(
  inputs: Readonly<Record<string, unknown>>, scatter: readonly string[], method: ScatterMethod | undefined, where: string,
): { jobs: ScatterJob[]; shape: number[] } {
  const arrays = scatter.map((name) => {
    const v = inputs[name];
    if (!Array.isArray(v)) throw new PermanentFailure(`${where}: scatter input '${name}' must be an array, got ${JSON.stringify(v)?.slice(0, 100)}`);
    return v;
  });
  const make = (values: readonly unknown[], index: number[]): ScatterJob => {
    const job: Record<string, unknown> = { ...inputs };
    scatter.forEach((name, i) => { job[name] = values[i]; });
    return { index, inputs: job };
  };
  if (scatter.length === 1 || method === 'dotproduct' || method === undefined) {
    const n = arrays[0]!.length;
    if (arrays.some((a) => a.length !== n)) {
      throw new PermanentFailure(`${where}: dotproduct scatter needs arrays of equal length, got ${arrays.map((a) => a.length).join(', ')}`);
    }
    return { jobs: Array.from({ length: n }, (_, i) => make(arrays.map((a) => a[i]), [i])), shape: [n] };
  }
  const jobs: ScatterJob[] = [];
  const walk = (depth: number, values: unknown[], index: number[]): void => {
    if (depth === arrays.length) { jobs.push(make(values, index)); return; }
    arrays[depth]!.forEach((v, i) => walk(depth + 1, [...values, v], [...index, i]));
  };
  walk(0, [], []);
  const shape = arrays.map((a) => a.length);
  return { jobs, shape: method === 'flat_crossproduct' ? [jobs.length] : shape };
}

/**
 * Gathers per-job results into the output shape: a flat list for dotproduct
 * and flat_crossproduct, nested lists for nested_crossproduct.
 */
export function gatherScatter(results: readonly unknown[], shape: readonly number[]): unknown[] {
  if (shape.length <= 1) return [...results];
  const build = (depth: number, offset: number): unknown[] => {
    const size = shape[depth]!;
    if (depth === shape.length - 1) return results.slice(offset, offset + size);
    const stride = shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: size }, (_, i) => build(depth + 1, offset + i * stride));
  };
  return build(0, 0);
}
