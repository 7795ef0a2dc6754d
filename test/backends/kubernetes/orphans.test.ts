import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { jobSelector, orphanedStepPods } from '../../../src/backends/kubernetes/orphans.js';

const JOB = { 'batch.kubernetes.io/controller-uid': 'job-uid', 'job-name': 'engine' };
const engine = (name: string, phase: string, deleting = false): V1Pod => ({
  metadata: { name, uid: `${name}-uid`, labels: JOB, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status: { phase },
});
const step = (name: string, owner: string, deleting = false): V1Pod => ({
  metadata: { name, labels: { 'bespin.io/run': 'r' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: owner, uid: `${owner}-uid` }], ...(deleting ? { deletionTimestamp: new Date() } : {}) },
});
const names = (pods: V1Pod[]): string[] => pods.map((p) => p.metadata!.name!);

test("a Job's new engine pod takes the step pods of its ended and deleted engine pods, never its own or a running sibling's", () => {
  const self = engine('engine-new', 'Running');
  const siblings = [self, engine('engine-oom', 'Failed'), engine('engine-deleted', 'Running', true), engine('engine-peer', 'Running')];
  const steps = [step('a', 'engine-oom'), step('b', 'engine-deleted'), step('c', 'engine-new'), step('d', 'engine-peer'), step('e', 'engine-oom', true), step('f', 'elsewhere')];
  assert.deepEqual(names(orphanedStepPods(self, siblings, steps)), ['a', 'b']);
});

test('an engine pod no Job started cleans up nothing: it has no Job selector', () => {
  assert.equal(jobSelector({ metadata: { name: 'placeholder', labels: { app: 'x' } } }), undefined);
  assert.equal(jobSelector(engine('e', 'Running')), 'batch.kubernetes.io/controller-uid=job-uid');
  assert.equal(jobSelector({ metadata: { labels: { 'controller-uid': 'old' } } }), 'controller-uid=old');
});
