import { PermanentFailure } from '../errors.js';

export type ScatterMethod = 'dotproduct' | 'nested_crossproduct' | 'flat_crossproduct';

/** One element of a scatter: the index path (for nesting results) and the input values. */
export interface ScatterJob {
  readonly index: readonly number[];
  readonly inputs: Record<string, unknown>;
}

/**
 * A step's scatter, expanded lazily: element `i` (0 ≤ i < count, in the
 * order of the gathered outputs) is made only when it starts, so a
 * 10,000-way scatter holds its input arrays, not 10,000 job objects.
 */
export interface ScatterExpansion {
  readonly count: number;
  /** The gathered output's shape: one dimension, or one per input for nested_crossproduct. */
  readonly shape: readonly number[];
  element(i: number): ScatterJob;
}

/**
 * Expands a step's inputs into its scatter elements. Only the scattered
 * inputs differ between elements; the others are shared, not copied.
 */
export function expandScatter(
  inputs: Readonly<Record<string, unknown>>, scatter: readonly string[], method: ScatterMethod | undefined, where: string,
): ScatterExpansion {
  const arrays = scatter.map((name) => {
    const v = inputs[name];
    if (!Array.isArray(v)) throw new PermanentFailure(`${where}: scatter input '${name}' must be an array, got ${JSON.stringify(v)?.slice(0, 100)}`);
    return v as readonly unknown[];
  });
  const make = (index: number[], pick: (a: number) => number): ScatterJob => {
    const job: Record<string, unknown> = { ...inputs };
    scatter.forEach((name, a) => { job[name] = arrays[a]![pick(a)]; });
    return { index, inputs: job };
  };
  if (scatter.length === 1 || method === 'dotproduct' || method === undefined) {
    const n = arrays[0]!.length;
    if (arrays.some((a) => a.length !== n)) {
      throw new PermanentFailure(`${where}: dotproduct scatter needs arrays of equal length, got ${arrays.map((a) => a.length).join(', ')}`);
    }
    return { count: n, shape: [n], element: (i) => make([i], () => i) };
  }
  const lengths = arrays.map((a) => a.length);
  const count = lengths.reduce((a, b) => a * b, 1);
  // Element i's index path is i written in the mixed radix of the input lengths (the last input varies fastest).
  const element = (i: number): ScatterJob => {
    const index = new Array<number>(lengths.length);
    for (let a = lengths.length - 1, rest = i; a >= 0; a--) {
      index[a] = rest % lengths[a]!;
      rest = Math.floor(rest / lengths[a]!);
    }
    return make(index, (a) => index[a]!);
  };
  return { count, shape: method === 'flat_crossproduct' ? [count] : lengths, element };
}

/** Every element of a scatter at once (for callers that want them all). */
export function scatterJobs(
  inputs: Readonly<Record<string, unknown>>, scatter: readonly string[], method: ScatterMethod | undefined, where: string,
): { jobs: ScatterJob[]; shape: number[] } {
  const expansion = expandScatter(inputs, scatter, method, where);
  return { jobs: Array.from({ length: expansion.count }, (_, i) => expansion.element(i)), shape: [...expansion.shape] };
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
