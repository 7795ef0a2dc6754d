import type { Process, WorkflowStep } from '../model/types.js';
import { applyOverrides, readOverrides } from '../load/overrides.js';
import { singleStep, targetWorkflow } from '../plan/target.js';
import type { DocumentOptions } from './engineOptions.js';
import { loadChecked } from './inspection.js';

/** What a run executes: the document's process, or the part of it --target / --single-step select. */
export interface SelectedProcess {
  readonly process: Process;
  /** --single-step: the workflow and step it runs in, whose requirements it inherits. */
  readonly enclosing?: { readonly workflow: Process; readonly step: WorkflowStep };
}

/** Loads the document with --enable-ext's gate and --overrides applied, then --single-step or --target. */
export async function selectProcess(
  document: string, loading: DocumentOptions, signal: AbortSignal, where: string, warn: (message: string) => void,
): Promise<SelectedProcess> {
  let process = await loadChecked(document, loading, signal, warn);
  if (loading.overrides !== undefined) process = applyOverrides(process, await readOverrides(loading.overrides, loading.limits));
  if (loading.singleStep !== undefined) {
    const step = singleStep(process, loading.singleStep, where);
    return { process: step.run, enclosing: { workflow: process, step } };
  }
  if (loading.targets.length > 0) process = targetWorkflow(process, loading.targets, where);
  return { process };
}
