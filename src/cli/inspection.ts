import path from 'node:path';
import type { Process } from '../model/types.js';
import { loadProcess } from '../load/loadProcess.js';
import { uriToPath } from '../files/uri.js';
import { checkExtensions } from '../validate/extensions.js';
import { checkWorkflowGraph } from '../validate/workflowGraph.js';

/**
 * Whether a command line only inspects its document: apart from inspect.ts,
 * so that a run imports the inspections (pack, dot, template) only when asked.
 */
export function isInspection(options: Readonly<Record<string, unknown>>, toolInputs: readonly string[]): boolean {
  return Boolean(options.validate || options.pack || options['print-dot'] || options['make-template']) || asksToolHelp(toolInputs);
}

/** `tool.cwl --help`: the tool's inputs, as cwltool prints them. */
export function asksToolHelp(toolInputs: readonly string[]): boolean {
  return toolInputs.includes('--help') || toolInputs.includes('-h');
}

/** Loads a process and applies the command line's extension gate and the workflow graph check (its warnings to `warn`). */
export async function loadChecked(
  reference: string, options: Readonly<Record<string, unknown>>, signal: AbortSignal, warn: (message: string) => void,
): Promise<Process> {
  const process = await loadProcess(reference, { signal });
  checkExtensions(process, options['enable-ext'] === true, path.basename(uriToPath(reference.split('#')[0]!)));
  await checkWorkflowGraph(process, warn);
  return process;
}
