import type { Process } from '../model/types.js';

/**
 * `--print-targets`: the process's outputs and inputs, then each step and,
 * under `step/`, the targets of what it runs, two spaces in, as cwltool
 * prints them (its headings are log lines, not part of the listing).
 */
export function processTargets(process: Process, prefix = ''): string {
  let text = '';
  for (const parameters of [process.outputs, process.inputs]) {
    for (const parameter of parameters) text += `  ${prefix}${parameter.id}\n`;
  }
  if (process.class !== 'Workflow') return text;
  for (const step of process.steps) text += `  ${prefix}${step.id}\n${processTargets(step.run, `${prefix}${step.id}/`)}`;
  return text;
}
