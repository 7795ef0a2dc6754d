import type { WorkflowStepInput, OutputParameter } from '../model/types.js';
import { PermanentFailure } from '../errors.js';

type LinkMerge = WorkflowStepInput['linkMerge'];
type PickValue = WorkflowStepInput['pickValue'];

/**
 * Combines the values of an input's sources: a single source without
 * linkMerge passes through; otherwise merge_nested (default) makes a list of
 * the values and merge_flattened concatenates lists.
 */
export function mergeSources(values: readonly unknown[], sourceCount: number, linkMerge: LinkMerge): unknown {
  if (sourceCount === 1 && linkMerge === undefined) return values[0] ?? null;
  if (linkMerge === 'merge_flattened') {
    const out: unknown[] = [];
    for (const v of values) {
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  }
  return [...values];
}

/** Applies pickValue to a merged value; `where` names the input for errors. */
export function pickValue(value: unknown, method: PickValue, where: string): unknown {
  if (method === undefined) return value;
  const list = Array.isArray(value) ? value : [value];
  const nonNull = list.filter((v) => v !== null && v !== undefined);
  switch (method) {
    case 'first_non_null':
      if (nonNull.length === 0) throw new PermanentFailure(`${where}: pickValue first_non_null found only null values`);
      return nonNull[0];
    case 'the_only_non_null':
      if (nonNull.length !== 1) throw new PermanentFailure(`${where}: pickValue the_only_non_null found ${nonNull.length} non-null values`);
      return nonNull[0];
    case 'all_non_null':
      return nonNull;
  }
}

/** A workflow output's value from its outputSource values. */
export function workflowOutputValue(param: OutputParameter, values: readonly unknown[], where: string): unknown {
  const sources = param.outputSource ?? [];
  const merged = mergeSources(values, sources.length, param.linkMerge);
  return pickValue(merged, param.pickValue, where);
}
