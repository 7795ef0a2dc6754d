/** The pod watcher's decision on a pod, with a fake clock: pure, no cluster. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ContainerState, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { decidePod, waitsForRoom, type PodDecision, type PodWaitMemory } from '../../../src/backends/kubernetes/podDecision.js';

const TIMEOUT_MS = 60_000;
const BUSY = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
const NEVER = '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

function pod(status: V1PodStatus, deleting = false): V1Pod {
  return { metadata: { name: 'p', ...(deleting ? { deletionTimestamp: new Date(0) } : {}) }, status };
}

function withContainer(phase: string, state: V1ContainerState, deleting = false): V1Pod {
  return pod({ phase, containerStatuses: [{ name: 'main', image: 'i', imageID: '', ready: false, restartCount: 0, state }] }, deleting);
}

function unschedulable(message: string | undefined): V1Pod {
  return pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', ...(message === undefined ? {} : { message }) }] });
}

const SCHEDULED = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] });

/** Looks at a pod as the watcher does, the memory carried from look to look; `at` is the fake clock's time. */
function looker(timeoutMs = TIMEOUT_MS): (p: V1Pod, at: number) => PodDecision {
  let memory: PodWaitMemory = {};
  return (p, at) => {
    const decision = decidePod(p, memory, at, timeoutMs);
    memory = decision.memory;
    return decision;
  };
}

test('a container that ended is its exit code and reason: done, failed or OOM-killed', () => {
  const ended = (phase: string, exitCode: number, reason?: string) => decidePod(withContainer(phase, { terminated: { exitCode, ...(reason ? { reason } : {}) } }), {}, 0, TIMEOUT_MS).outcome;
  assert.deepEqual(ended('Succeeded', 0, 'Completed'), { kind: 'terminated', exitCode: 0, reason: 'Completed', message: '' });
  assert.deepEqual(ended('Failed', 2, 'Error'), { kind: 'terminated', exitCode: 2, reason: 'Error', message: '' });
  assert.deepEqual(ended('Failed', 137, 'OOMKilled'), { kind: 'terminated', exitCode: 137, reason: 'OOMKilled', message: '' });
  // Still Running by phase, but the container says when it finished.
  const finished = withContainer('Running', { terminated: { exitCode: 0, finishedAt: new Date(0) } });
  assert.deepEqual(decidePod(finished, {}, 0, TIMEOUT_MS).outcome, { kind: 'terminated', exitCode: 0, reason: '', message: '' });
  // A terminated state without a finish and in no final phase is not an end yet.
  assert.equal(ended('Running', 1), undefined);
  // The container's own times, which the usage report gives as Calrissian does.
  const timed = withContainer('Succeeded', { terminated: { exitCode: 0, startedAt: new Date(1_000), finishedAt: new Date(5_000) } });
  assert.deepEqual(decidePod(timed, {}, 0, TIMEOUT_MS).outcome, { kind: 'terminated', exitCode: 0, reason: '', message: '', ran: { start: new Date(1_000), finish: new Date(5_000) } });
});

test("a failure while the pod is being deleted is the deletion's doing; a success is still a success", () => {
  assert.deepEqual(decidePod(withContainer('Running', { terminated: { exitCode: 143 } }, true), {}, 0, TIMEOUT_MS).outcome, { kind: 'deleted', exitCode: 143 });
  assert.equal(decidePod(withContainer('Succeeded', { terminated: { exitCode: 0 } }, true), {}, 0, TIMEOUT_MS).outcome?.kind, 'terminated');
});

test('an evicted pod, one out of its deadline and a failed pod are failures with their reason and message', () => {
  assert.deepEqual(decidePod(pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason: 'Evicted', message: 'low on memory' });
  assert.deepEqual(decidePod(pod({ phase: 'Failed', reason: 'Evicted' }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason: 'Evicted', message: 'the pod was evicted' });
  assert.deepEqual(decidePod(pod({ phase: 'Failed', reason: 'DeadlineExceeded' }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason: 'DeadlineExceeded', message: 'activeDeadlineSeconds exceeded' });
  assert.deepEqual(decidePod(pod({ phase: 'Failed', reason: 'NodeLost', message: 'gone' }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason: 'NodeLost', message: 'gone' });
  assert.deepEqual(decidePod(pod({ phase: 'Failed' }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason: 'Failed', message: 'the pod failed' });
});

test('an image that cannot be pulled or a container that cannot be created fails the pod at once; creating one is a wait', () => {
  for (const reason of ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']) {
    assert.deepEqual(decidePod(withContainer('Pending', { waiting: { reason, message: 'why' } }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason, message: 'why' }, reason);
  }
  assert.deepEqual(decidePod(withContainer('Pending', { waiting: { reason: 'ErrImagePull' } }), {}, 0, TIMEOUT_MS).outcome, { kind: 'failed', reason: 'ErrImagePull', message: 'ErrImagePull' });
  assert.deepEqual(decidePod(withContainer('Pending', { waiting: { reason: 'ContainerCreating' } }), {}, 0, TIMEOUT_MS), { memory: {} });
  assert.deepEqual(decidePod(withContainer('Running', { running: {} }), {}, 0, TIMEOUT_MS), { memory: {} });
});

test("the kubelet's pull rate limit (a wide scatter under --force-docker-pull) is a wait, not the image's failure", () => {
  const limited = (reason: string, message: string) => decidePod(withContainer('Pending', { waiting: { reason, message } }), {}, 0, TIMEOUT_MS);
  assert.deepEqual(limited('ErrImagePull', 'pull QPS exceeded'), { memory: {} });
  assert.deepEqual(limited('ImagePullBackOff', 'Back-off pulling image "docker.io/debian:stable-slim": ErrImagePull: pull QPS exceeded'), { memory: {} });
  assert.equal(limited('ErrImagePull', 'failed to pull and unpack image "docker.io/nosuch:1": not found').outcome?.kind, 'failed');
});

test('an unplaceable pod waits --unschedulable-timeout from when it was first seen so, re-checked when that falls due', () => {
  const look = looker();
  const first = look(unschedulable(NEVER), 1000);
  assert.deepEqual(first, {
    memory: { unschedulableSince: 1000, unplaceableSince: 1000 }, recheckInMs: TIMEOUT_MS, note: { kind: 'waitingForNode', reason: NEVER },
  });
  // Said once: the next looks add no note; the re-check comes when the timeout is due.
  assert.deepEqual(look(unschedulable(NEVER), 1000 + TIMEOUT_MS - 1), { memory: first.memory, recheckInMs: 1 });
  assert.deepEqual(look(unschedulable(NEVER), 1000 + TIMEOUT_MS), {
    outcome: { kind: 'failed', reason: 'Unschedulable', message: NEVER }, memory: first.memory,
  });
});

test('a pod waiting for room on a busy cluster never times out, and its wait is said once', () => {
  const look = looker();
  assert.deepEqual(look(unschedulable(BUSY), 0), { memory: { unschedulableSince: 0 }, note: { kind: 'waitingForNode', reason: BUSY } });
  assert.deepEqual(look(unschedulable(BUSY), 100 * TIMEOUT_MS), { memory: { unschedulableSince: 0 } });
});

test('the timeout counts from when the pod became unplaceable, and starts again after it waited for room', () => {
  const look = looker();
  look(unschedulable(BUSY), 0);
  assert.deepEqual(look(unschedulable(NEVER), 5000), { memory: { unschedulableSince: 0, unplaceableSince: 5000 }, recheckInMs: TIMEOUT_MS });
  assert.equal(look(unschedulable(NEVER), 5000 + TIMEOUT_MS - 1).outcome, undefined);
  // Room might come after all: the unplaceable clock stops, and restarts when it is unplaceable again.
  assert.deepEqual(look(unschedulable(BUSY), 5000 + TIMEOUT_MS), { memory: { unschedulableSince: 0 } });
  const again = 10_000 + TIMEOUT_MS;
  assert.deepEqual(look(unschedulable(NEVER), again), { memory: { unschedulableSince: 0, unplaceableSince: again }, recheckInMs: TIMEOUT_MS });
  assert.equal(look(unschedulable(NEVER), again + TIMEOUT_MS).outcome?.kind, 'failed');
});

test('a pod placed after waiting says how long it waited and forgets it', () => {
  const look = looker();
  look(unschedulable(NEVER), 2000);
  assert.deepEqual(look(SCHEDULED, 7000), { memory: {}, note: { kind: 'placed', waitedMs: 5000 } });
  assert.deepEqual(look(SCHEDULED, 8000), { memory: {} });
  // Unschedulable again later: a new wait, from then.
  assert.deepEqual(look(unschedulable(NEVER), 9000).memory, { unschedulableSince: 9000, unplaceableSince: 9000 });
});

test("a scheduler that gives no reason: the pod is unplaceable, in the watcher's words", () => {
  const look = looker(0);
  assert.deepEqual(look(unschedulable(undefined), 0), {
    outcome: { kind: 'failed', reason: 'Unschedulable', message: 'no node can run the pod' }, memory: { unschedulableSince: 0, unplaceableSince: 0 },
  });
  assert.deepEqual(looker()(unschedulable(''), 0).note, { kind: 'waitingForNode', reason: 'no node can run it yet' });
});

test('an end decided while waiting for a node wins, and says nothing of the wait', () => {
  const look = looker();
  look(unschedulable(NEVER), 0);
  const memory = { unschedulableSince: 0, unplaceableSince: 0 };
  assert.deepEqual(look(pod({ phase: 'Failed', reason: 'Evicted' }), 10), { outcome: { kind: 'failed', reason: 'Evicted', message: 'the pod was evicted' }, memory });
});

test("a pod waits for room when kube-scheduler's preemption part names a node that could take it emptied; otherwise it is unplaceable", () => {
  const mixed = "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Node's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
  const allNever = "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {gpu: yes}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
  assert.deepEqual([BUSY, NEVER, mixed, allNever].map(waitsForRoom), [true, false, true, false]);
  // Another scheduler's words, or none: nothing says a node could take it.
  assert.equal(waitsForRoom('0/1 nodes are available: 1 Insufficient cpu.'), false);
  assert.equal(waitsForRoom(''), false);
});
