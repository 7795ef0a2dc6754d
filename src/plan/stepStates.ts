import type { WorkflowStep } from '../model/types.js';
import { InternalError } from '../errors.js';
import type { WorkflowPlan } from './workflowPlan.js';

/**
 * The workflow scheduler as a pure planner: from the plan and the state of
 * every step it decides what to start, whether to cancel what runs, and when
 * the workflow has settled. It never runs anything; the executor feeds back
 * what happened as events. No promises, no clocks, no I/O.
 */

/** After a step fails: start nothing more and cancel what runs, or carry on with what does not depend on it (cwltool's --on-error). */
export type OnError = 'stop' | 'continue';

export type StepState =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly outputs: Readonly<Record<string, unknown>> }
  /** `when` was false: every output is null. */
  | { readonly kind: 'skipped' }
  /** `outputs`: what a failed tool still gave (cwltool's partial outputs), for the workflow's partial output object only. */
  | { readonly kind: 'failed'; readonly error: unknown; readonly outputs?: Readonly<Record<string, unknown>> | undefined };

export type StepEvent =
  | { readonly kind: 'started'; readonly step: string }
  | { readonly kind: 'finished'; readonly step: string; readonly outputs: Readonly<Record<string, unknown>> }
  | { readonly kind: 'skipped'; readonly step: string }
  | { readonly kind: 'failed'; readonly step: string; readonly error: unknown; readonly outputs?: Readonly<Record<string, unknown>> | undefined }
  /** The run around this workflow was cancelled (a signal, or a failure outside it). */
  | { readonly kind: 'cancelled'; readonly reason: unknown };

/** Why the workflow failed: the first failure; the ones after it are its consequences (cancellations). */
export interface WorkflowFailure {
  /** The failed step, or undefined when the run was cancelled from outside. */
  readonly step: string | undefined;
  readonly error: unknown;
}

export interface WorkflowRunState {
  readonly inputs: ReadonlyMap<string, unknown>;
  readonly steps: ReadonlyMap<string, StepState>;
  readonly failure: WorkflowFailure | undefined;
  readonly cancelled: boolean;
}

export type WorkflowOutcome =
  | { readonly kind: 'succeeded' }
  /** `notRun`: the steps that never started because of the failure. */
  | { readonly kind: 'failed'; readonly failure: WorkflowFailure; readonly notRun: readonly string[] }
  /** Steps wait for values nothing will give (cannot happen for a plan without cycles). */
  | { readonly kind: 'stuck'; readonly waiting: readonly string[] };

export interface WorkflowDecision {
  /** Steps to start now, in document order. */
  readonly start: readonly WorkflowStep[];
  /** Abort the running steps (through their AbortSignal) and wait for them. */
  readonly cancel: boolean;
  /** Set once nothing runs and nothing more will start. */
  readonly outcome: WorkflowOutcome | undefined;
}

const WAITING: StepState = { kind: 'waiting' };
const RUNNING: StepState = { kind: 'running' };
const SKIPPED: StepState = { kind: 'skipped' };

export function startWorkflow(plan: WorkflowPlan, inputs: ReadonlyMap<string, unknown>): WorkflowRunState {
  return { inputs, steps: new Map(plan.order.map((s) => [s.id, WAITING])), failure: undefined, cancelled: false };
}

export function applyStepEvent(state: WorkflowRunState, event: StepEvent): WorkflowRunState {
  if (event.kind === 'cancelled') {
    return { ...state, cancelled: true, failure: state.failure ?? { step: undefined, error: event.reason } };
  }
  // A step starts from waiting and ends from running; anything else is an executor bug, not a state to plan from.
  const from = state.steps.get(event.step)?.kind;
  if (from !== (event.kind === 'started' ? 'waiting' : 'running')) {
    throw new InternalError(`step '${event.step}' ${event.kind} while ${from ?? 'not in the workflow'}`);
  }
  const steps = new Map(state.steps);
  switch (event.kind) {
    case 'started': steps.set(event.step, RUNNING); break;
    case 'finished': steps.set(event.step, { kind: 'done', outputs: event.outputs }); break;
    case 'skipped': steps.set(event.step, SKIPPED); break;
    case 'failed': steps.set(event.step, { kind: 'failed', error: event.error, outputs: event.outputs }); break;
  }
  const failure = state.failure ?? (event.kind === 'failed' ? { step: event.step, error: event.error } : undefined);
  return { ...state, steps, failure };
}

/**
 * The value behind a source key (`input` or `step/out`), or undefined while
 * it has none yet: a skipped step's outputs are null.
 */
export function valueOfSource(state: WorkflowRunState, key: string): unknown {
  if (state.inputs.has(key)) return state.inputs.get(key);
  const slash = key.indexOf('/');
  const step = state.steps.get(key.slice(0, slash));
  if (step?.kind === 'skipped') return null;
  if (step?.kind === 'done') return step.outputs[key.slice(slash + 1)] ?? null;
  return undefined;
}

/**
 * A source key's value for the partial output object of a failed workflow:
 * as valueOfSource, but a failed step gives what it still collected (null
 * for an output it has not); no step ever runs on these.
 */
export function partialValueOfSource(state: WorkflowRunState, key: string): unknown {
  const slash = key.indexOf('/');
  const step = state.inputs.has(key) ? undefined : state.steps.get(key.slice(0, slash));
  if (step?.kind === 'failed' && step.outputs) return step.outputs[key.slice(slash + 1)] ?? null;
  return valueOfSource(state, key);
}

export function decideSteps(plan: WorkflowPlan, state: WorkflowRunState, onError: OnError): WorkflowDecision {
  const halted = state.cancelled || (state.failure !== undefined && onError === 'stop');
  const start: WorkflowStep[] = [];
  let running = 0;
  const waiting: string[] = [];
  for (const step of plan.order) {
    const kind = state.steps.get(step.id)?.kind ?? 'waiting';
    if (kind === 'running') running++;
    if (kind !== 'waiting') continue;
    const ready = plan.dependencies.get(step.id)!.every((key) => valueOfSource(state, key) !== undefined);
    if (ready && !halted) start.push(step);
    else waiting.push(step.id);
  }
  const cancel = halted && running > 0;
  if (running > 0 || start.length > 0) return { start, cancel, outcome: undefined };
  if (state.failure) return { start, cancel, outcome: { kind: 'failed', failure: state.failure, notRun: waiting } };
  if (waiting.length > 0) return { start, cancel, outcome: { kind: 'stuck', waiting } };
  return { start, cancel, outcome: { kind: 'succeeded' } };
}
