import { checkWorkflowGraph } from '../validate/workflowGraph.js';
import path from 'node:path';
import type { Process } from '../model/types.js';
import { loadProcess } from '../load/loadProcess.js';
import { uriToPath } from '../files/uri.js';
import { checkExtensions } from '../validate/extensions.js';
import type { DocumentOptions, InspectFlags } from './engineOptions.js';

/**
 * Whether a command line only inspects its document: apart from inspect.ts,
 * so that a run imports the inspections (pack, dot, template) only when asked.
 */
export function isInspection(flags: InspectFlags, toolInputs: readonly string[]): boolean {
  return flags.validate || flags.pack || flags.printDot || flags.makeTemplate || flags.printTargets || flags.printDeps || asksToolHelp(toolInputs);
}

/** `tool.cwl --help`: the tool's inputs, as cwltool prints them. */
export function asksToolHelp(toolInputs: readonly string[]): boolean {
  return toolInputs.includes('--help') || toolInputs.includes('-h');
}

/** Loads a process within the run's load limits and applies the command line's extension gate and the workflow graph check (its warnings, and --non-strict's, to `warn`). */
export async function loadChecked(
  reference: string, loading: DocumentOptions, signal: AbortSignal, warn: (message: string) => void,
): Promise<Process> {
  const process = await loadProcess(reference, {
    signal, limits: loading.limits, validationCacheDir: loading.validationCacheDir, ...(loading.nonStrict ? { nonStrict: { warn } } : {}),
  });
  checkExtensions(process, loading.enableExt, path.basename(uriToPath(reference.split('#')[0]!)));
  await checkWorkflowGraph(process, warn);
  return process;
}
