/** The retry policy's decisions, pure: no process, no pool, no clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobOutcome, PodFailureReason } from '../../src/backends/backend.js';
import type { ResourceEvaluation } from '../../src/job/resources.js';
import {
  DEFAULT_BACKOFF, NO_RETRIES, backoffDelayMs, decideRetry, doubledMemory, realClock, type RetryLimits,
} from '../../src/execute/retryPolicy.js';
import { timersFiredBefore } from '../helpers/eventOrder.js';

const LIMITS: RetryLimits = { temporaryFailures: 2, evictions: 3, oomKills: 1, backoff: { initialMs: 1000, factor: 2, maxMs: 5000 } };
const SIZED: ResourceEvaluation = { cores: 1, ram: 600, outdirSize: 1024, tmpdirSize: 1024, bounds: { ramMin: 600, ramMax: 600 } };
const UNSIZED: ResourceEvaluation = { cores: 1, ram: 256, outdirSize: 1024, tmpdirSize: 1024, bounds: {} };

const exited = (code: number): JobOutcome => ({ kind: 'exited', code, durationMs: 5, stderrTail: '' });
const pod = (reason: PodFailureReason): JobOutcome => ({ kind: 'podFailed', reason, pod: 'p-1', detail: reason, durationMs: 5, logTail: '' });

test('a temporaryFailCodes exit is retried --retries times with growing backoff, then stands', () => {
  const first = decideRetry(exited(42), [42], UNSIZED, NO_RETRIES, LIMITS);
  assert.equal(first.kind, 'retry');
  if (first.kind !== 'retry') return;
  assert.deepEqual([first.cause, first.delayMs, first.counts.temporaryFailure], ['temporaryFailure', 1000, 1]);
  assert.equal(first.resources, UNSIZED, 'a temporary failure keeps its size');
  const second = decideRetry(exited(42), [42], UNSIZED, first.counts, LIMITS);
  assert.equal(second.kind === 'retry' && second.delayMs, 2000);
  if (second.kind !== 'retry') return;
  assert.deepEqual(decideRetry(exited(42), [42], UNSIZED, second.counts, LIMITS), { kind: 'final' });
});

test('a success, a permanent exit code, a time limit and a cancellation are never retried', () => {
  for (const outcome of [exited(0), exited(1), { kind: 'timedOut', limitSeconds: 2, durationMs: 2000, stderrTail: '' } as const, { kind: 'cancelled', durationMs: 0, stderrTail: '' } as const]) {
    assert.deepEqual(decideRetry(outcome, [42], SIZED, NO_RETRIES, LIMITS), { kind: 'final' }, outcome.kind);
  }
  for (const reason of ['DeadlineExceeded', 'ImagePullFailed', 'Unschedulable', 'Deleted', 'Failed'] as const) {
    assert.deepEqual(decideRetry(pod(reason), [], SIZED, NO_RETRIES, LIMITS), { kind: 'final' }, reason);
  }
});

test('evicted and node-lost pods are retried three times; the backoff counts every retry of the job', () => {
  let counts = { ...NO_RETRIES, temporaryFailure: 1 };
  const delays: number[] = [];
  for (const reason of ['Evicted', 'NodeLost', 'Evicted'] as const) {
    const d = decideRetry(pod(reason), [], SIZED, counts, LIMITS);
    assert.equal(d.kind, 'retry');
    if (d.kind !== 'retry') return;
    assert.equal(d.cause, 'eviction');
    delays.push(d.delayMs);
    counts = { ...d.counts };
  }
  assert.deepEqual(delays, [2000, 4000, 5000], 'after one temporary failure: 2 s, 4 s, then the 5 s cap');
  assert.deepEqual(decideRetry(pod('Evicted'), [], SIZED, counts, LIMITS), { kind: 'final' });
});

test('an OOMKilled job is retried --oom-retry times with twice the memory, at once', () => {
  const d = decideRetry(pod('OOMKilled'), [], SIZED, NO_RETRIES, LIMITS);
  assert.equal(d.kind, 'retry');
  if (d.kind !== 'retry') return;
  assert.equal(d.cause, 'oomKill');
  assert.equal(d.delayMs, 0, 'the pool is the wait');
  assert.deepEqual(d.resources.bounds, { ramMin: 1200, ramMax: 1200 });
  assert.equal(d.resources.ram, 1200, 'runtime.ram and the pool request double too');
  assert.deepEqual(decideRetry(pod('OOMKilled'), [], d.resources, d.counts, LIMITS), { kind: 'final' }, '--oom-retry 1 is spent');
  assert.deepEqual(decideRetry(pod('OOMKilled'), [], SIZED, NO_RETRIES, { ...LIMITS, oomKills: 0 }), { kind: 'final' }, 'no --oom-retry');
});

test("a tool that stated no RAM is retried with twice its version's default (its pod's limit, as Calrissian sets them)", () => {
  const d = decideRetry(pod('OOMKilled'), [], UNSIZED, NO_RETRIES, LIMITS);
  assert.equal(d.kind, 'retry');
  if (d.kind !== 'retry') return;
  assert.deepEqual(d.resources.bounds, { ...UNSIZED.bounds, ramMin: UNSIZED.ram * 2 });
  assert.equal(d.resources.ram, UNSIZED.ram * 2);
});

test('doubling keeps a bound the tool left out unset', () => {
  const onlyMax = doubledMemory({ ...UNSIZED, ram: 300, bounds: { ramMax: 300, coresMin: 2 } });
  assert.deepEqual(onlyMax.bounds, { ramMax: 600, coresMin: 2 });
  assert.equal(onlyMax.ram, 600);
});

test('backoff grows by its factor and stops at its cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(DEFAULT_BACKOFF, n)), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test('the real clock waits, and a cancelled run ends the wait at once', async () => {
  // Its wait is a timer of this thread, like the test's (helpers/eventOrder.ts).
  const wait = realClock.sleep(50, new AbortController().signal);
  assert.deepEqual(await timersFiredBefore(wait, [40, 5000]), [true, false], 'a 50 ms wait ends after a 40 ms timer and before a 5 s one');
  const cancel = new AbortController();
  const waiting = realClock.sleep(60_000, cancel.signal);
  const cancelled = new Promise<void>((resolve) => setTimeout(() => { cancel.abort(new Error('cancelled by the test')); resolve(); }, 20));
  // Ended at once: before the event loop turned again after the abort.
  const turned = cancelled.then(() => new Promise<string>((resolve) => setImmediate(() => resolve('the loop turned first'))));
  assert.equal(await Promise.race([waiting.then(() => 'resolved', (e: unknown) => String(e)), turned]), 'Error: cancelled by the test');
});
