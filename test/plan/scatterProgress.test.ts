import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandScatter, gatherScatter, scatterJobs, type ScatterMethod } from '../../src/plan/scatter.js';
import {
  applyElementEvent, decideElements, startScatter, type ElementEvent, type ScatterOutcome, type ScatterProgress,
} from '../../src/plan/scatterProgress.js';
import type { OnError } from '../../src/plan/stepStates.js';
import { InternalError } from '../../src/errors.js';

function feed(p: ScatterProgress, ...events: ElementEvent[]): ScatterProgress {
  return events.reduce(applyElementEvent, p);
}
const started = (...indexes: number[]): ElementEvent[] => indexes.map((index) => ({ kind: 'started', index }));

type Behaviour = (index: number) => 'finish' | 'skip' | Error;

/**
 * Runs the planner to the end without promises: every started element ends,
 * oldest first, as `behave` says; returns the outcome, what ran, the peak
 * number in flight and the order elements ended in.
 */
function simulate(total: number, window: number, onError: OnError, behave: Behaviour): { outcome: ScatterOutcome; ran: number[]; peak: number; progress: ScatterProgress } {
  let p = startScatter(total);
  const inFlight: number[] = [];
  const ran: number[] = [];
  let peak = 0;
  for (;;) {
    const decision = decideElements(p, window, onError);
    for (const index of decision.start) { p = applyElementEvent(p, { kind: 'started', index }); inFlight.push(index); ran.push(index); }
    peak = Math.max(peak, inFlight.length);
    if (decision.outcome) return { outcome: decision.outcome, ran, peak, progress: p };
    const index = inFlight.shift()!;
    // A cancelled element ends as failed, whatever it would have done.
    const result = decision.cancel ? new Error(`cancelled ${index}`) : behave(index);
    p = applyElementEvent(p, result === 'finish' ? { kind: 'finished', index } : result === 'skip' ? { kind: 'skipped', index } : { kind: 'failed', index, error: result });
  }
}

test('elements start in index order, at most a window at a time, and the scatter is done when all are', () => {
  let p = startScatter(10);
  assert.deepEqual(decideElements(p, 3, 'stop').start, [0, 1, 2]);
  p = feed(p, ...started(0, 1, 2));
  assert.deepEqual(decideElements(p, 3, 'stop'), { start: [], cancel: false, outcome: undefined });
  p = feed(p, { kind: 'finished', index: 1 });
  assert.deepEqual(decideElements(p, 3, 'stop').start, [3]);
  const run = simulate(10, 3, 'stop', () => 'finish');
  assert.deepEqual(run.ran, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(run.peak, 3);
  assert.deepEqual(run.outcome, { kind: 'done' });
});

test('an empty scatter is done at once', () => {
  assert.deepEqual(decideElements(startScatter(0), 32, 'stop'), { start: [], cancel: false, outcome: { kind: 'done' } });
});

test('dotproduct, flat_crossproduct and nested_crossproduct elements, made lazily, gather into their shapes', () => {
  const inputs = { a: [1, 2], b: ['x', 'y', 'z'], c: 'shared' };
  const cases: [ScatterMethod, unknown][] = [
    ['flat_crossproduct', ['1x', '1y', '1z', '2x', '2y', '2z']],
    ['nested_crossproduct', [['1x', '1y', '1z'], ['2x', '2y', '2z']]],
  ];
  for (const [method, expected] of cases) {
    const expansion = expandScatter(inputs, ['a', 'b'], method, 's');
    const run = simulate(expansion.count, 4, 'stop', () => 'finish');
    const results = run.ran.map((i) => { const job = expansion.element(i); return `${String(job.inputs.a)}${String(job.inputs.b)}`; });
    assert.deepEqual(gatherScatter(results, expansion.shape), expected, method);
    assert.deepEqual(expansion.element(4).index, [1, 1], 'the index path names the element in every input');
    assert.equal(expansion.element(5).inputs.c, 'shared');
  }
  const dot = expandScatter({ a: [1, 2, 3], b: [4, 5, 6] }, ['a', 'b'], 'dotproduct', 's');
  assert.deepEqual([dot.count, dot.shape, dot.element(2).inputs, dot.element(2).index], [3, [3], { a: 3, b: 6 }, [2]]);
  assert.deepEqual(scatterJobs(inputs, ['a', 'b'], 'nested_crossproduct', 's').jobs.map((j) => j.index),
    [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
});

test("elements whose 'when' is false are skipped, and the scatter is still done", () => {
  const run = simulate(5, 2, 'stop', (i) => (i % 2 === 0 ? 'skip' : 'finish'));
  assert.deepEqual(run.outcome, { kind: 'done' });
  assert.deepEqual([run.progress.finished, run.progress.skipped], [2, 3]);
});

test('under stop a failed element cancels the running ones, starts no more, and settles with its error once they ended', () => {
  const boom = new Error('element 1 failed');
  let p = feed(startScatter(6), ...started(0, 1, 2), { kind: 'failed', index: 1, error: boom });
  let decision = decideElements(p, 3, 'stop');
  assert.deepEqual(decision, { start: [], cancel: true, outcome: undefined });
  p = feed(p, { kind: 'failed', index: 0, error: new Error('cancelled') }, { kind: 'failed', index: 2, error: new Error('cancelled') });
  decision = decideElements(p, 3, 'stop');
  assert.deepEqual(decision, { start: [], cancel: false, outcome: { kind: 'failed', failure: { index: 1, error: boom }, notRun: 3 } });
});

test('under continue the other elements all run, then the first error', () => {
  const run = simulate(8, 3, 'continue', (i) => (i === 1 || i === 5 ? new Error(`element ${i}`) : 'finish'));
  assert.deepEqual(run.ran, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(run.outcome.kind, 'failed');
  assert.equal(run.outcome.kind === 'failed' && (run.outcome.failure.error as Error).message, 'element 1');
  assert.deepEqual([run.progress.finished, run.progress.failed], [6, 2]);
  const stopped = simulate(8, 3, 'stop', (i) => (i === 1 ? new Error(`element ${i}`) : 'finish'));
  assert.deepEqual(stopped.ran, [0, 1, 2, 3], 'under stop nothing starts after the failure (3 started when 0 finished)');
  assert.equal(stopped.outcome.kind === 'failed' && stopped.outcome.notRun, 4);
});

test('a cancelled step starts no more elements and cancels the running ones, under continue too', () => {
  const reason = new Error('SIGTERM');
  const p = feed(startScatter(4), ...started(0), { kind: 'cancelled', reason });
  assert.deepEqual(decideElements(p, 2, 'continue'), { start: [], cancel: true, outcome: undefined });
  assert.deepEqual(decideElements(feed(p, { kind: 'failed', index: 0, error: new Error('killed') }), 2, 'continue').outcome,
    { kind: 'failed', failure: { index: undefined, error: reason }, notRun: 3 });
});

test('an element started out of order, or ending when none runs, is a bug, refused', () => {
  assert.throws(() => applyElementEvent(startScatter(3), { kind: 'started', index: 1 }), InternalError);
  assert.throws(() => applyElementEvent(startScatter(3), { kind: 'finished', index: 0 }), InternalError);
});
