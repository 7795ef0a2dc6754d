/** How a pod's end reads as a job outcome: pure, no cluster. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobOutcomeOf, podFailureReason } from '../../../src/backends/kubernetes/podOutcome.js';

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
