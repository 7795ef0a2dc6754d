import type { Process } from '../model/types.js';
import { applyOverrides, readOverridesFile, resolveOverrides, type OverridesTable } from '../load/overrides.js';
import { singleStep, singleStepWorkflow, targetWorkflow, type EnclosedStep } from '../plan/target.js';
import type { DocumentOptions } from './engineOptions.js';
import { loadChecked } from './inspection.js';

/** What a run executes: the document's process, or the part of it --target / --single-step select. */
export interface SelectedProcess {
  readonly process: Process;
  /** --single-step of a step inside a subworkflow: the workflows and steps outside, outermost first, whose requirements it inherits. */
  readonly enclosing?: readonly EnclosedStep[];
}

/**
 * Loads the document with --enable-ext's gate and the overrides applied (the
 * job object's `cwltool:overrides`, then --overrides, which wins for the same
 * key as in cwltool), then --single-step or --target.
 */
export async function selectProcess(
  document: string, loading: DocumentOptions, signal: AbortSignal, where: string, warn: (message: string) => void,
  fromJob: readonly OverridesTable[] = [],
): Promise<SelectedProcess> {
  let process = await loadChecked(document, loading, signal, warn);
  const tables = [...fromJob, ...(loading.overrides !== undefined ? [await readOverridesFile(loading.overrides, loading.limits)] : [])];
  const overrides = new Map(tables.flatMap((t) => [...resolveOverrides(t, document)]));
  if (overrides.size > 0) process = applyOverrides(process, overrides);
  if (loading.singleStep !== undefined) {
    const enclosing = singleStep(process, loading.singleStep, where);
    return { process: singleStepWorkflow(enclosing.at(-1)!), enclosing: enclosing.slice(0, -1) };
  }
  if (loading.targets.length > 0) process = targetWorkflow(process, loading.targets, where);
  return { process };
}
