import type { JobOutcome, PodFailureReason } from '../backend.js';
import type { PodOutcome } from './podDecision.js';

const IMAGE_PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONTAINER_NOT_CREATED = new Set(['CreateContainerConfigError', 'CreateContainerError']);
const POD_REASONS = new Set<string>(['Evicted', 'NodeLost', 'DeadlineExceeded', 'Unschedulable']);

/** The kind of failure a failed pod's reason names; the raw reason stays in the outcome's detail. */
export function podFailureReason(reason: string): PodFailureReason {
  if (IMAGE_PULL_FAILURES.has(reason)) return 'ImagePullFailed';
  if (CONTAINER_NOT_CREATED.has(reason)) return 'ContainerNotCreated';
  return POD_REASONS.has(reason) ? (reason as PodFailureReason) : 'Failed';
}

/** What a pod came to, as the engine reads job outcomes: only a container that exited on its own is `exited`. */
export function jobOutcomeOf(outcome: PodOutcome, pod: string, durationMs: number, logTail: string): JobOutcome {
  switch (outcome.kind) {
    case 'terminated':
      if (outcome.reason === 'OOMKilled') {
        return { kind: 'podFailed', reason: 'OOMKilled', pod, detail: outcome.message || 'OOMKilled', exitCode: outcome.exitCode, durationMs, logTail };
      }
      return { kind: 'exited', code: outcome.exitCode, durationMs, stderrTail: logTail, ...(outcome.ran ? { ran: outcome.ran } : {}) };
    case 'deleted':
      return {
        kind: 'podFailed', reason: 'Deleted', pod, detail: 'deleted before it finished',
        ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }), durationMs, logTail,
      };
    case 'failed':
      return { kind: 'podFailed', reason: podFailureReason(outcome.reason), pod, detail: `${outcome.reason}: ${outcome.message}`, durationMs, logTail };
  }
}
