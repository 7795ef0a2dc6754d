/** How a pod's end reads as a job outcome: pure, no cluster. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobOutcomeOf, podFailureReason } from '../../../src/backends/kubernetes/podOutcome.js';
import { waitsForRoom } from '../../../src/backends/kubernetes/podWatcher.js';

test('a container that exited on its own is an exit code; an OOMKilled one is a pod failure with its code and log tail', () => {
  assert.deepEqual(jobOutcomeOf({ kind: 'terminated', exitCode: 3, reason: 'Error', message: '' }, 'p', 10, 'tail'), { kind: 'exited', code: 3, durationMs: 10, stderrTail: 'tail' });
  assert.deepEqual(jobOutcomeOf({ kind: 'terminated', exitCode: 137, reason: 'OOMKilled', message: '' }, 'p', 10, 'MemoryError'), {
    kind: 'podFailed', reason: 'OOMKilled', pod: 'p', detail: 'OOMKilled', exitCode: 137, durationMs: 10, logTail: 'MemoryError',
  });
});

test("a failed pod's reason is classified, its own words kept in the detail", () => {
  const failed = (reason: string) => jobOutcomeOf({ kind: 'failed', reason, message: 'why' }, 'p', 1, '');
  assert.deepEqual(failed('Evicted'), { kind: 'podFailed', reason: 'Evicted', pod: 'p', detail: 'Evicted: why', durationMs: 1, logTail: '' });
  assert.deepEqual(
    ['Evicted', 'NodeLost', 'DeadlineExceeded', 'Unschedulable', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'Something'].map(podFailureReason),
    ['Evicted', 'NodeLost', 'DeadlineExceeded', 'Unschedulable', 'ImagePullFailed', 'ImagePullFailed', 'ImagePullFailed', 'ContainerNotCreated', 'Failed'],
  );
  assert.deepEqual(jobOutcomeOf({ kind: 'deleted', exitCode: 143 }, 'p', 1, ''), {
    kind: 'podFailed', reason: 'Deleted', pod: 'p', detail: 'deleted before it finished', exitCode: 143, durationMs: 1, logTail: '',
  });
});

test("a pod waits for room when kube-scheduler's preemption part names a node that could take it emptied; otherwise it is unplaceable", () => {
  const busy = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
  const never = '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
  const mixed = "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Node's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
  const allNever = "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {gpu: yes}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
  assert.deepEqual([busy, never, mixed, allNever].map(waitsForRoom), [true, false, true, false]);
  // Another scheduler's words, or none: nothing says a node could take it.
  assert.equal(waitsForRoom('0/1 nodes are available: 1 Insufficient cpu.'), false);
  assert.equal(waitsForRoom(''), false);
});
