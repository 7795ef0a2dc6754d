import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWorkflow, type WorkflowPlan } from '../../src/plan/workflowPlan.js';
import {
  applyStepEvent, decideSteps, partialValueOfSource, startWorkflow, valueOfSource, type OnError, type StepEvent, type WorkflowRunState,
} from '../../src/plan/stepStates.js';
import { workflowOf } from '../helpers/workflowModel.js';
import { InternalError } from '../../src/errors.js';

// A diamond behind a source step: a feeds b and c, d joins them; e depends on nothing but the input.
const diamond = planWorkflow(workflowOf(['x'], {
  a: { in: { i: 'x' } },
  b: { in: { i: 'a/out' } },
  c: { in: { i: 'a/out' } },
  d: { in: { i: ['b/out', 'c/out'] } },
  e: { in: { i: 'x' } },
}), 'wf');

function begin(plan: WorkflowPlan): WorkflowRunState {
  return startWorkflow(plan, new Map([['x', 1]]));
}

function feed(state: WorkflowRunState, ...events: StepEvent[]): WorkflowRunState {
  return events.reduce(applyStepEvent, state);
}

const started = (...steps: string[]): StepEvent[] => steps.map((step) => ({ kind: 'started', step }));
const finished = (step: string, value: unknown = `${step}!`): StepEvent => ({ kind: 'finished', step, outputs: { out: value } });
const startable = (plan: WorkflowPlan, state: WorkflowRunState, onError: OnError = 'stop'): string[] =>
  decideSteps(plan, state, onError).start.map((s) => s.id);

test('steps whose sources all have values are ready, in document order; a join waits for every source', () => {
  let state = begin(diamond);
  assert.deepEqual(startable(diamond, state), ['a', 'e']);
  state = feed(state, ...started('a', 'e'));
  assert.deepEqual(startable(diamond, state), [], 'running steps are not started again');
  state = feed(state, finished('a'));
  assert.deepEqual(startable(diamond, state), ['b', 'c']);
  state = feed(state, ...started('b', 'c'), finished('b'));
  assert.deepEqual(startable(diamond, state), [], 'd still waits for c');
  state = feed(state, finished('c'));
  assert.deepEqual(startable(diamond, state), ['d']);
  assert.equal(valueOfSource(state, 'c/out'), 'c!');
  assert.equal(valueOfSource(state, 'x'), 1);
  assert.equal(valueOfSource(state, 'd/out'), undefined, 'no value before d is done');
});

test('the workflow succeeds once every step is done, and not while one still runs', () => {
  let state = feed(begin(diamond), ...started('a', 'e'), finished('a'), ...started('b', 'c'), finished('b'), finished('c'), ...started('d'), finished('d'));
  assert.equal(decideSteps(diamond, state, 'stop').outcome, undefined, 'e is still running');
  state = feed(state, finished('e'));
  assert.deepEqual(decideSteps(diamond, state, 'stop'), { start: [], cancel: false, outcome: { kind: 'succeeded' } });
});

test('a step with no sources is ready at once; a missing output of a done step reads as null', () => {
  const plan = planWorkflow(workflowOf([], { first: { out: ['o', 'p'] }, next: { in: { i: 'first/p' } } }), 'wf');
  let state = startWorkflow(plan, new Map());
  assert.deepEqual(startable(plan, state), ['first']);
  state = feed(state, ...started('first'), { kind: 'finished', step: 'first', outputs: { o: 1 } });
  assert.equal(valueOfSource(state, 'first/p'), null);
  assert.deepEqual(startable(plan, state), ['next']);
});

test("a skipped step ('when' false) gives null outputs, and what reads them runs", () => {
  let state = feed(begin(diamond), ...started('a', 'e'), { kind: 'skipped', step: 'a' });
  assert.equal(valueOfSource(state, 'a/out'), null);
  assert.deepEqual(startable(diamond, state), ['b', 'c']);
  state = feed(state, ...started('b', 'c'), { kind: 'skipped', step: 'b' }, { kind: 'skipped', step: 'c' }, ...started('d'), finished('d'), finished('e'));
  assert.deepEqual(decideSteps(diamond, state, 'stop').outcome, { kind: 'succeeded' });
});

test('under stop a failure starts nothing more, cancels what runs, and settles with the first error once it has stopped', () => {
  const boom = new Error('a failed');
  let state = feed(begin(diamond), ...started('a', 'e'), { kind: 'failed', step: 'a', error: boom });
  let decision = decideSteps(diamond, state, 'stop');
  assert.deepEqual(decision.start, []);
  assert.equal(decision.cancel, true);
  assert.equal(decision.outcome, undefined, 'e must be awaited before the workflow settles');
  state = feed(state, { kind: 'failed', step: 'e', error: new Error('cancelled') });
  decision = decideSteps(diamond, state, 'stop');
  assert.equal(decision.cancel, false, 'nothing left to cancel');
  assert.deepEqual(decision.outcome, { kind: 'failed', failure: { step: 'a', error: boom }, notRun: ['b', 'c', 'd'] });
});

test('under stop a failure keeps independent ready steps from starting', () => {
  let state = feed(begin(diamond), ...started('a'), { kind: 'failed', step: 'a', error: new Error('x') });
  assert.deepEqual(startable(diamond, state, 'stop'), [], 'e is ready but must not start');
  assert.deepEqual(startable(diamond, state, 'continue'), ['e'], 'under continue it starts');
  state = feed(state, ...started('e'));
  assert.equal(decideSteps(diamond, state, 'continue').cancel, false);
});

test('under continue what does not depend on the failed step runs to the end; then the first error', () => {
  const boom = new Error('b failed');
  let state = feed(begin(diamond), ...started('a', 'e'), finished('a'), ...started('b', 'c'), { kind: 'failed', step: 'b', error: boom });
  let decision = decideSteps(diamond, state, 'continue');
  assert.deepEqual(decision, { start: [], cancel: false, outcome: undefined }, 'c and e run on');
  state = feed(state, { kind: 'failed', step: 'c', error: new Error('second') }, finished('e'));
  decision = decideSteps(diamond, state, 'continue');
  assert.deepEqual(decision.outcome, { kind: 'failed', failure: { step: 'b', error: boom }, notRun: ['d'] });
});

test('a cancelled run starts nothing and cancels what runs, under continue too', () => {
  const signal = new Error('SIGTERM');
  let state = feed(begin(diamond), ...started('a', 'e'), finished('a'), { kind: 'cancelled', reason: signal });
  assert.deepEqual(decideSteps(diamond, state, 'continue'), { start: [], cancel: true, outcome: undefined });
  state = feed(state, { kind: 'failed', step: 'e', error: new Error('killed') });
  assert.deepEqual(decideSteps(diamond, state, 'continue').outcome, { kind: 'failed', failure: { step: undefined, error: signal }, notRun: ['b', 'c', 'd'] });
});

test('a step waiting for a value nothing gives is reported, not waited for forever', () => {
  // planWorkflow refuses such a graph; a hand-made plan shows the planner still cannot hang.
  const wf = workflowOf([], { lonely: { in: { i: 'ghost/out' } } });
  const plan: WorkflowPlan = { order: wf.steps, dependencies: new Map([['lonely', ['ghost/out']]]) };
  assert.deepEqual(decideSteps(plan, startWorkflow(plan, new Map()), 'stop').outcome, { kind: 'stuck', waiting: ['lonely'] });
});

test('a step that starts twice, or ends without having started, is a bug, refused', () => {
  const state = feed(begin(diamond), ...started('a'));
  assert.throws(() => applyStepEvent(state, { kind: 'started', step: 'a' }), /step 'a' started while running/);
  assert.throws(() => applyStepEvent(state, finished('b')), InternalError);
  assert.throws(() => applyStepEvent(state, finished('nope')), /not in the workflow/);
});

test('events make a new state and leave the old one as it was', () => {
  const before = feed(begin(diamond), ...started('a'));
  const after = applyStepEvent(before, finished('a'));
  assert.equal(before.steps.get('a')?.kind, 'running');
  assert.equal(after.steps.get('a')?.kind, 'done');
  assert.deepEqual(startable(diamond, before), ['e']);
});

test("a failed step's partial outputs reach the partial output object, never a step: nothing downstream starts", () => {
  let state = feed(begin(diamond), ...started('a', 'e'));
  state = feed(state, { kind: 'failed', step: 'a', error: new Error('exit 3'), outputs: { out: 'partial' } });
  assert.deepEqual(startable(diamond, state, 'continue'), [], 'b and c wait for a value a never gave');
  assert.equal(valueOfSource(state, 'a/out'), undefined);
  assert.equal(partialValueOfSource(state, 'a/out'), 'partial');
  assert.equal(partialValueOfSource(state, 'a/other'), null, 'an output the failed step did not give is null');
  assert.equal(partialValueOfSource(state, 'x'), 1);
  state = feed(state, finished('e'));
  assert.equal(partialValueOfSource(state, 'e/out'), 'e!');
  assert.equal(partialValueOfSource(state, 'b/out'), undefined, 'a step that never ran has no value');
});
