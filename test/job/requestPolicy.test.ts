/**
 * What a job reserves and its pod requests: cwltool's minimum, or
 * Calrissian 0.18.1's maximum (seen on the real cluster by
 * test/deploy/calrissianParity.realtest.ts), with runtime sizes unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestedResources, withRequestPolicy, type ResourceBounds, type ResourceEvaluation } from '../../src/job/resources.js';

const evaluation = (bounds: ResourceBounds): ResourceEvaluation => ({ cores: 1, ram: 100, outdirSize: 1024, tmpdirSize: 1024, bounds });
const calrissian = { kind: 'maximum', maxCores: 4, maxRamMiB: 4000 } as const;

test("Calrissian's requests: the maximum, a missing one being the minimum and then CWL's default, capped at the budget, with no maximum left for a limit", () => {
  assert.deepEqual(withRequestPolicy(evaluation({ coresMin: 0.5, coresMax: 1, ramMin: 100, ramMax: 200 }), calrissian).bounds, { coresMin: 1, ramMin: 200 });
  assert.deepEqual(withRequestPolicy(evaluation({ coresMin: 2, ramMin: 300 }), calrissian).bounds, { coresMin: 2, ramMin: 300 });
  assert.deepEqual(withRequestPolicy(evaluation({}), calrissian).bounds, { coresMin: 1, ramMin: 256 });
  assert.deepEqual(withRequestPolicy(evaluation({ defaultRamMiB: 1024 }), calrissian).bounds, { coresMin: 1, ramMin: 1024 }, 'a v1.0 tool');
  assert.deepEqual(withRequestPolicy(evaluation({ coresMin: 1, coresMax: 16, ramMax: 9000, gpus: 1 }), calrissian).bounds, { coresMin: 4, ramMin: 4000, gpus: 1 });
});

test("cwltool's minimum leaves the bounds as written, and runtime sizes never change", () => {
  const e = evaluation({ coresMin: 0.5, coresMax: 1, ramMin: 100, ramMax: 200 });
  assert.equal(withRequestPolicy(e, { kind: 'minimum' }), e);
  const chosen = withRequestPolicy(e, calrissian);
  assert.deepEqual([chosen.cores, chosen.ram], [e.cores, e.ram]);
  assert.deepEqual(requestedResources(chosen.bounds), { cores: 1, ramMiB: 200 });
});
