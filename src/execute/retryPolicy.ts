import type { JobOutcome } from '../backends/backend.js';
import type { ResourceEvaluation } from '../job/resources.js';

/**
 * Every kind of retry of a CommandLineTool job, decided in one place above
 * the backends: a temporaryFailCodes exit (--retries), an evicted or
 * node-lost pod, and an OOMKilled pod (--oom-retry, with twice the memory).
 * Decisions are pure; the caller re-admits the job through the resource pool
 * at the size decided, after the delay decided.
 */
export interface RetryLimits {
  /** --retries: how often a temporaryFailCodes exit is run again. */
  readonly temporaryFailures: number;
  /** Evicted / NodeLost pods: the node's trouble, not the tool's, worth a few more pods. */
  readonly evictions: number;
  /** --oom-retry: how often an OOMKilled job is run again with twice the memory. */
  readonly oomKills: number;
  readonly backoff: Backoff;
}

/** Exponential backoff between attempts: initialMs, then ×factor, never more than maxMs. */
export interface Backoff {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, factor: 2, maxMs: 30_000 };
export const EVICTION_RETRIES = 3;

export type RetryCause = 'temporaryFailure' | 'eviction' | 'oomKill';

/** How often each cause has been retried so far for one job. */
export type RetryCounts = Readonly<Record<RetryCause, number>>;

export const NO_RETRIES: RetryCounts = { temporaryFailure: 0, eviction: 0, oomKill: 0 };

export type RetryDecision =
  | {
    readonly kind: 'retry';
    readonly cause: RetryCause;
    readonly counts: RetryCounts;
    /** What the next attempt is admitted and run with (twice the memory after an OOMKilled pod). */
    readonly resources: ResourceEvaluation;
    readonly delayMs: number;
  }
  /** The outcome stands: a success, or a failure to report. */
  | { readonly kind: 'final' };

/** The delay before retry number `retry` (1-based) of any cause. */
export function backoffDelayMs(backoff: Backoff, retry: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, retry - 1));
}

/**
 * The same job with twice the memory: both bounds, and runtime.ram with them.
 * A tool that stated no RAM had its version's default (the limit a pod gets
 * as Calrissian sets them): that doubled becomes its minimum.
 */
export function doubledMemory(resources: ResourceEvaluation): ResourceEvaluation {
  const { ramMin, ramMax } = resources.bounds;
  const bounds = {
    ...resources.bounds,
    ...(ramMin !== undefined ? { ramMin: ramMin * 2 } : {}),
    ...(ramMax !== undefined ? { ramMax: ramMax * 2 } : {}),
    ...(ramMin === undefined && ramMax === undefined ? { ramMin: resources.ram * 2 } : {}),
  };
  return { ...resources, ram: Math.ceil(bounds.ramMin ?? bounds.ramMax ?? resources.ram * 2), bounds };
}

/** Which retry, if any, an outcome calls for. */
export function retryCause(outcome: JobOutcome, temporaryFailCodes: readonly number[], resources: ResourceEvaluation): RetryCause | undefined {
  switch (outcome.kind) {
    case 'exited':
      return temporaryFailCodes.includes(outcome.code) ? 'temporaryFailure' : undefined;
    case 'podFailed':
      if (outcome.reason === 'Evicted' || outcome.reason === 'NodeLost') return 'eviction';
      // Step pods have a memory limit unless --pod-limits says otherwise; without one, more memory still asks for a roomier node.
      return outcome.reason === 'OOMKilled' ? 'oomKill' : undefined;
    case 'timedOut':
    case 'cancelled':
      return undefined;
  }
}

const LIMIT_OF: Readonly<Record<RetryCause, (l: RetryLimits) => number>> = {
  temporaryFailure: (l) => l.temporaryFailures,
  eviction: (l) => l.evictions,
  oomKill: (l) => l.oomKills,
};

/** Whether (and how) to run a job again after `outcome`, given what was retried so far. */
export function decideRetry(
  outcome: JobOutcome, temporaryFailCodes: readonly number[], resources: ResourceEvaluation, counts: RetryCounts, limits: RetryLimits,
): RetryDecision {
  const cause = retryCause(outcome, temporaryFailCodes, resources);
  if (cause === undefined || counts[cause] >= LIMIT_OF[cause](limits)) return { kind: 'final' };
  const next = { ...counts, [cause]: counts[cause] + 1 };
  const retries = next.temporaryFailure + next.eviction + next.oomKill;
  return {
    kind: 'retry',
    cause,
    counts: next,
    resources: cause === 'oomKill' ? doubledMemory(resources) : resources,
    // A bigger pod needs no wait: the pool admits it when there is room.
    delayMs: cause === 'oomKill' ? 0 : backoffDelayMs(limits.backoff, retries),
  };
}

/** Waits between attempts; tests pass one that records and does not wait. */
export interface Clock {
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Real time: a sleep ends early (rejecting) when the run is cancelled. */
export const realClock: Clock = {
  sleep: (ms, signal) => new Promise((resolve, reject) => {
    if (ms <= 0) { resolve(); return; }
    if (signal.aborted) { reject(signal.reason); return; }
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  }),
};
