import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineTool, Workflow, WorkflowStep } from '../../src/model/types.js';
import { singleStep, singleStepWorkflow, targetWorkflow } from '../../src/plan/target.js';

const tool: CommandLineTool = {
  class: 'CommandLineTool', id: '', baseUri: 'file:///t.cwl', cwlVersion: 'v1.2', originalVersion: 'v1.2',
  inputs: [{ id: 'msg', type: 'string' }], outputs: [{ id: 'out', type: 'string' }], requirements: [], hints: [],
  namespaces: {}, schemas: [], baseCommand: ['echo'], arguments: [], successCodes: [0], temporaryFailCodes: [], permanentFailCodes: [],
};
const step = (id: string, source: string): WorkflowStep => ({ id, in: [{ id: 'msg', source: [source] }], out: ['out'], run: tool, requirements: [], hints: [], scatter: [] });
// a → s1 → s2 (o2); b → s3 (o3)
const wf: Workflow = {
  ...tool, class: 'Workflow', id: '#main',
  inputs: [{ id: 'a', type: 'string' }, { id: 'b', type: 'string' }],
  outputs: [{ id: 'o1', type: 'string', outputSource: ['s1/out'] }, { id: 'o2', type: 'string', outputSource: ['s2/out'] }, { id: 'o3', type: 'string', outputSource: ['s3/out'] }],
  steps: [step('s1', 'a'), step('s2', 's1/out'), step('s3', 'b')],
};

test('--target OUTPUT keeps the steps it needs, transitively, that output only, and the inputs they read', () => {
  const cut = targetWorkflow(wf, ['#main/o2'], 'wf.cwl');
  assert.deepEqual(cut.steps.map((s) => s.id), ['s1', 's2']);
  assert.deepEqual(cut.outputs.map((o) => o.id), ['o2']);
  assert.deepEqual(cut.inputs.map((p) => p.id), ['a']);
});

test('--target STEP keeps it and its upstream steps, with the outputs only they feed', () => {
  const cut = targetWorkflow(wf, ['s1'], 'wf.cwl');
  assert.deepEqual(cut.steps.map((s) => s.id), ['s1']);
  assert.deepEqual(cut.outputs.map((o) => o.id), ['o1']);
});

test('an unknown target or step names what there is; a tool has no steps to target', () => {
  assert.throws(() => targetWorkflow(wf, ['nope'], 'wf.cwl'), /wf\.cwl: --target nope: no workflow output or step of that name \(outputs: o1, o2, o3; steps: s1, s2, s3\)/);
  assert.throws(() => targetWorkflow(tool, ['out'], 't.cwl'), /--target needs a Workflow, not a CommandLineTool/);
  assert.deepEqual(singleStep(wf, 'file:///wf.cwl#main/s3', 'wf.cwl').map((e) => e.step.id), ['s3']);
  assert.throws(() => singleStep(wf, 's9', 'wf.cwl'), /--single-step s9: no step of that name \(steps: s1, s2, s3\)/);
});

test('--single-step sub/inner names a step of the workflow step sub runs, with the steps enclosing it', () => {
  const outer: Workflow = { ...wf, id: '', steps: [step('first', 'a'), { ...step('sub', 'a'), run: wf }] };
  assert.deepEqual(singleStep(outer, 'sub/s2', 'wf.cwl').map((e) => [e.workflow === outer, e.step.id]), [[true, 'sub'], [false, 's2']]);
  assert.equal(singleStep(outer, 'sub', 'wf.cwl').at(-1)!.step.run, wf);
  assert.throws(() => singleStep(outer, 's2', 'wf.cwl'), /--single-step s2: no step of that name \(steps: first, sub, sub\/s1, sub\/s2, sub\/s3\)/);
  assert.throws(() => singleStep(outer, 'first/s1', 'wf.cwl'), /--single-step first\/s1: no step of that name/);
});

test("--single-step runs a workflow of the step alone: its inputs Any (with the step's defaults), its outputs, its scatter kept", () => {
  const scattered: WorkflowStep = { ...step('s2', 's1/out'), in: [{ id: 'msg', source: ['s1/out'], default: 'd', linkMerge: 'merge_flattened' }], scatter: ['msg'] };
  const alone = singleStepWorkflow({ workflow: { ...wf, steps: [step('s1', 'a'), scattered] }, step: scattered });
  assert.deepEqual(alone.inputs, [{ id: 'msg', type: 'Any', default: 'd' }]);
  assert.deepEqual(alone.outputs, [{ id: 'out', type: 'Any', outputSource: ['s2/out'] }]);
  assert.deepEqual(alone.steps.map((s) => [s.id, s.in, s.scatter]), [['s2', [{ id: 'msg', source: ['msg'], default: 'd' }], ['msg']]]);
  assert.equal(alone.id, wf.id);
});
