/**
 * The documents of the workflow graph tests and the check they go through:
 * loaded by the real loader from real files, so positions are found in
 * their text.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadProcess } from '../../src/load/loadProcess.js';
import { checkWorkflowGraph } from '../../src/validate/workflowGraph.js';
import { scratch } from '../helpers/cli.js';

export const ECHO = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  x: {type: string, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

export const CAT = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: cat
inputs:
  f: {type: File, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

export const COUNT = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  n: {type: int, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

export const PAIR = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  f: {type: File, inputBinding: {position: 1}}
  x: {type: string, inputBinding: {position: 2}}
outputs:
  out: stdout
`;

/** A workflow: requirements for every feature, then the given inputs, outputs and steps (YAML, indented as at top level). */
export function workflow(body: string): string {
  return `cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
  MultipleInputFeatureRequirement: {}
  StepInputExpressionRequirement: {}
  InlineJavascriptRequirement: {}
  SubworkflowFeatureRequirement: {}
${body}`;
}

export interface Checked {
  readonly error?: string;
  readonly warnings: readonly string[];
  readonly dir: string;
}

export async function check(wf: string): Promise<Checked> {
  const dir = await scratch({ 'wf.cwl': wf, 'echo.cwl': ECHO, 'cat.cwl': CAT, 'count.cwl': COUNT, 'pair.cwl': PAIR });
  const process = await loadProcess(path.join(dir, 'wf.cwl'));
  const warnings: string[] = [];
  try {
    await checkWorkflowGraph(process, (m) => warnings.push(m));
    return { warnings, dir };
  } catch (error) {
    return { error: (error as Error).message, warnings, dir };
  }
}

export async function refused(wf: string, message: RegExp): Promise<Checked> {
  const r = await check(wf);
  assert.ok(r.error !== undefined, `expected a refusal matching ${message}`);
  assert.match(r.error, message);
  return r;
}

export async function allowed(wf: string): Promise<readonly string[]> {
  const r = await check(wf);
  assert.equal(r.error, undefined);
  return r.warnings;
}

