import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numbersWithoutTwin, testFingerprint } from '../../conformance/sameTests.js';
import type { SuiteTest } from '../../conformance/suite.js';

const FILES: Record<string, string> = {
  '/v1.1/wf.cwl': 'cwlVersion: v1.1\nclass: Workflow\nsteps:\n  s: {run: tool.cwl}\n',
  '/v1.1/tool.cwl': 'cwlVersion: v1.1\nclass: CommandLineTool\nbaseCommand: echo\n',
  '/v1.1/job.yml': 'x: 1\n',
  '/v1.2/wf.cwl': 'cwlVersion: v1.2\nclass: Workflow\nsteps:\n  s: {run: tool.cwl}\n',
  '/v1.2/tool.cwl': 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\n',
  '/v1.2/job.yml': 'x: 1\n',
  '/v1.2/other/wf.cwl': 'cwlVersion: v1.2\nclass: Workflow\nsteps:\n  s: {run: tool.cwl}\n',
  '/v1.2/other/tool.cwl': 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: cat\n',
  '/v1.2/other/job.yml': 'x: 1\n',
};
const read = (p: string): string | undefined => FILES[p];
const suiteTest = (dir: string, over: Partial<SuiteTest> = {}): SuiteTest => ({
  id: `t-${dir}`, tags: [], doc: '', shouldFail: false, tool: `${dir}/wf.cwl`, job: `${dir}/job.yml`, output: { out: 1 }, ...over,
});

test('two tests alike but for cwlVersion have one fingerprint', () => {
  assert.equal(testFingerprint(suiteTest('/v1.1'), read), testFingerprint(suiteTest('/v1.2'), read));
});

test('a difference in a file the workflow runs, in the expected output, in should_fail or in the fragment tells them apart', () => {
  const base = testFingerprint(suiteTest('/v1.2'), read);
  assert.notEqual(testFingerprint(suiteTest('/v1.2/other'), read), base, 'the step tool differs (echo / cat)');
  assert.notEqual(testFingerprint(suiteTest('/v1.2', { output: { out: 2 } }), read), base);
  assert.notEqual(testFingerprint(suiteTest('/v1.2', { shouldFail: true }), read), base);
  assert.notEqual(testFingerprint(suiteTest('/v1.2', { tool: '/v1.2/wf.cwl#main' }), read), base);
});

test('numbersWithoutTwin keeps only the selected tests the other suite lacks', () => {
  const filtered = [suiteTest('/v1.1'), suiteTest('/v1.1', { output: { out: 3 } }), suiteTest('/v1.1', { shouldFail: true })];
  assert.deepEqual(numbersWithoutTwin(filtered, [1, 2, 3], [suiteTest('/v1.2')], read), [2, 3]);
  assert.deepEqual(numbersWithoutTwin(filtered, [1], [suiteTest('/v1.2')], read), []);
});
