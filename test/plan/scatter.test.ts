import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherScatter, scatterJobs } from '../../src/plan/scatter.js';
import { mergeSources, pickValue } from '../../src/plan/links.js';

test('dotproduct pairs elements and rejects unequal lengths', () => {
  const { jobs, shape } = scatterJobs({ a: [1, 2], b: ['x', 'y'], c: 'same' }, ['a', 'b'], 'dotproduct', 'step');
  assert.deepEqual(jobs.map((j) => j.inputs), [{ a: 1, b: 'x', c: 'same' }, { a: 2, b: 'y', c: 'same' }]);
  assert.deepEqual(shape, [2]);
  assert.throws(() => scatterJobs({ a: [1], b: [1, 2] }, ['a', 'b'], 'dotproduct', 'step'), /equal length/);
});

test('nested_crossproduct nests results, flat_crossproduct flattens them', () => {
  const nested = scatterJobs({ a: [1, 2], b: ['x', 'y', 'z'] }, ['a', 'b'], 'nested_crossproduct', 's');
  assert.equal(nested.jobs.length, 6);
  assert.deepEqual(gatherScatter(nested.jobs.map((j) => `${j.inputs.a}${j.inputs.b}`), nested.shape), [['1x', '1y', '1z'], ['2x', '2y', '2z']]);
  const flat = scatterJobs({ a: [1, 2], b: ['x', 'y', 'z'] }, ['a', 'b'], 'flat_crossproduct', 's');
  assert.deepEqual(gatherScatter(flat.jobs.map((j) => `${j.inputs.a}${j.inputs.b}`), flat.shape), ['1x', '1y', '1z', '2x', '2y', '2z']);
});

test('an empty scatter yields no jobs and an empty result', () => {
  const { jobs, shape } = scatterJobs({ a: [] }, ['a'], undefined, 's');
  assert.equal(jobs.length, 0);
  assert.deepEqual(gatherScatter([], shape), []);
});

test('scattering a non-array names the input', () => {
  assert.throws(() => scatterJobs({ a: 3 }, ['a'], undefined, 'wf/step'), /wf\/step: scatter input 'a' must be an array/);
});

test('linkMerge and pickValue follow the spec', () => {
  assert.equal(mergeSources([5], 1, undefined), 5);
  assert.deepEqual(mergeSources([5], 1, 'merge_nested'), [5]);
  assert.deepEqual(mergeSources([[1, 2], 3, [4]], 3, 'merge_flattened'), [1, 2, 3, 4]);
  assert.equal(pickValue([null, 2, 3], 'first_non_null', 'x'), 2);
  assert.throws(() => pickValue([null, null], 'first_non_null', 'x'), /only null/);
  assert.equal(pickValue([null, 7], 'the_only_non_null', 'x'), 7);
  assert.throws(() => pickValue([1, 7], 'the_only_non_null', 'x'), /found 2 non-null/);
  assert.deepEqual(pickValue([1, null, 7], 'all_non_null', 'x'), [1, 7]);
});
