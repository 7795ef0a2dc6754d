/** The one line each failed outcome is reported with: pure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobOutcome } from '../../src/backends/backend.js';
import { failureMessage, succeeded } from '../../src/execute/jobFailure.js';

const pod = (reason: 'OOMKilled' | 'Deleted' | 'DeadlineExceeded' | 'ImagePullFailed', detail: string, extra: Partial<JobOutcome> = {}): JobOutcome =>
  ({ kind: 'podFailed', reason, pod: 'tool-cwl-1a2b', detail, durationMs: 1, logTail: '', ...extra }) as JobOutcome;

test('each outcome names the step, and the pod with its reason when there is one', () => {
  const shape = { timeLimitSeconds: 5, memoryLimitMiB: 600 };
  const cases: [JobOutcome, string][] = [
    [{ kind: 'exited', code: 3, durationMs: 1, stderrTail: 'a\nb\n' }, 'tool: exited with code 3\na\nb'],
    [{ kind: 'exited', code: 42, durationMs: 1, stderrTail: '' }, 'tool: exited with temporary-failure code 42'],
    [{ kind: 'timedOut', limitSeconds: 2, durationMs: 2000, stderrTail: '' }, 'tool: exceeded its time limit of 2 s'],
    [{ kind: 'cancelled', durationMs: 0, stderrTail: '' }, 'tool: cancelled'],
    [pod('OOMKilled', 'OOMKilled', { logTail: 'MemoryError' }), 'tool: pod tool-cwl-1a2b was OOMKilled (memory limit 600 MiB)\nMemoryError'],
    [pod('Deleted', 'deleted before it finished', { exitCode: 143 }), 'tool: pod tool-cwl-1a2b was deleted before it finished (its container was stopped: exit code 143)'],
    [pod('DeadlineExceeded', 'DeadlineExceeded: too slow'), 'tool: pod tool-cwl-1a2b exceeded its time limit of 5 s (DeadlineExceeded: too slow)'],
    [pod('ImagePullFailed', 'ErrImagePull: not found'), 'tool: pod tool-cwl-1a2b failed: ErrImagePull: not found'],
  ];
  for (const [outcome, message] of cases) assert.equal(failureMessage('tool', outcome, [42], shape), message);
  assert.equal(failureMessage('tool', pod('OOMKilled', 'OOMKilled'), [], {}), 'tool: pod tool-cwl-1a2b was OOMKilled (memory limit none)');
});

test('success is an exit code in successCodes and in neither failure list', () => {
  const tool = { successCodes: [0, 1], permanentFailCodes: [1], temporaryFailCodes: [42] };
  const exit = (code: number): JobOutcome => ({ kind: 'exited', code, durationMs: 1, stderrTail: '' });
  assert.deepEqual([0, 1, 2, 42].map((c) => succeeded(exit(c), tool)), [true, false, false, false]);
  assert.equal(succeeded({ kind: 'cancelled', durationMs: 0, stderrTail: '' }, { ...tool, successCodes: [137] }), false);
});
