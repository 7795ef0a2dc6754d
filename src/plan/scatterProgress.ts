import { InternalError } from '../errors.js';
import type { OnError } from './stepStates.js';

/**
 * The scatter elements of one step, planned like the steps of a workflow but
 * by counts: elements start in index order, so "which have started" is one
 * number, and each event costs O(1) — a 10,000-way scatter is 10,000 events,
 * not 10,000 copies of a 10,000-entry state. The executor keeps each
 * element's outputs (by index) and gathers them; the planner needs only how
 * many there are.
 */
export interface ScatterProgress {
  readonly total: number;
  /** Elements 0 … started-1 have started. */
  readonly started: number;
  readonly running: number;
  readonly finished: number;
  /** Elements whose `when` was false (their outputs are null). */
  readonly skipped: number;
  readonly failed: number;
  /** The first failure; later ones are its consequences (cancellations) or, under continue, counted in `failed`. */
  readonly failure: ElementFailure | undefined;
  readonly cancelled: boolean;
}

export interface ElementFailure {
  /** The failed element, or undefined when the step was cancelled from outside. */
  readonly index: number | undefined;
  readonly error: unknown;
}

export type ElementEvent =
  | { readonly kind: 'started'; readonly index: number }
  | { readonly kind: 'finished'; readonly index: number }
  | { readonly kind: 'skipped'; readonly index: number }
  | { readonly kind: 'failed'; readonly index: number; readonly error: unknown }
  /** The step (its workflow, or the run) was cancelled. */
  | { readonly kind: 'cancelled'; readonly reason: unknown };

export type ScatterOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly failure: ElementFailure; readonly notRun: number };

export interface ScatterDecision {
  /** Element indexes to start now, ascending. */
  readonly start: readonly number[];
  /** Abort the running elements (through their AbortSignal) and wait for them. */
  readonly cancel: boolean;
  readonly outcome: ScatterOutcome | undefined;
}

export function startScatter(total: number): ScatterProgress {
  return { total, started: 0, running: 0, finished: 0, skipped: 0, failed: 0, failure: undefined, cancelled: false };
}

export function applyElementEvent(p: ScatterProgress, event: ElementEvent): ScatterProgress {
  if (event.kind !== 'started' && event.kind !== 'cancelled' && p.running === 0) {
    throw new InternalError(`scatter element ${event.index} ${event.kind} while none runs`);
  }
  switch (event.kind) {
    case 'started':
      if (event.index !== p.started) throw new InternalError(`scatter element ${event.index} started out of order (next is ${p.started})`);
      return { ...p, started: p.started + 1, running: p.running + 1 };
    case 'finished':
      return { ...p, running: p.running - 1, finished: p.finished + 1 };
    case 'skipped':
      return { ...p, running: p.running - 1, skipped: p.skipped + 1 };
    case 'failed':
      return { ...p, running: p.running - 1, failed: p.failed + 1, failure: p.failure ?? { index: event.index, error: event.error } };
    case 'cancelled':
      return { ...p, cancelled: true, failure: p.failure ?? { index: undefined, error: event.reason } };
  }
}

/**
 * What to do next with at most `window` elements in flight: a window, not
 * all of them, so a wide scatter does not hold every prepared job while the
 * resource pool admits a few.
 */
export function decideElements(p: ScatterProgress, window: number, onError: OnError): ScatterDecision {
  const halted = p.cancelled || (p.failure !== undefined && onError === 'stop');
  const free = halted ? 0 : Math.min(p.total - p.started, Math.max(0, window - p.running));
  const start = Array.from({ length: free }, (_, i) => p.started + i);
  const cancel = halted && p.running > 0;
  if (p.running > 0 || start.length > 0) return { start, cancel, outcome: undefined };
  if (p.failure) return { start, cancel, outcome: { kind: 'failed', failure: p.failure, notRun: p.total - p.started } };
  return { start, cancel, outcome: { kind: 'done' } };
}
