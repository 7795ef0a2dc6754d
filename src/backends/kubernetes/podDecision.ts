/**
 * What the pod watcher makes of one look at a step's pod: its fate (done,
 * failed, OOM-killed, evicted, out of time, its image unpullable, deleted,
 * or never placeable on a node) or that it goes on waiting. Pure: the pod,
 * what was remembered from earlier looks and the time are passed in, so
 * every branch, the time-based ones included, is testable with a fake clock.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { TimeSpan } from '../backend.js';

/** What a step's pod came to, as decided from the cached pod. */
export type PodOutcome =
  | { readonly kind: 'terminated'; readonly exitCode: number; readonly reason: string; readonly message: string; readonly ran?: TimeSpan }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string }
  /** Gone, or killed because someone else deleted it (exitCode: what its container was stopped with). */
  | { readonly kind: 'deleted'; readonly exitCode?: number };

/** What the watcher remembers of a pod from one look to the next (times in ms, of the watcher's clock). */
export interface PodWaitMemory {
  /** Since when the scheduler has not placed the pod. */
  readonly unschedulableSince?: number;
  /** Since when no node could take it even were it empty: what --unschedulable-timeout limits. */
  readonly unplaceableSince?: number;
}

/** A change in the pod's wait for a node, worth a line to the user (a waiting pod looks like a stalled run). */
export type PodWaitNote =
  | { readonly kind: 'waitingForNode'; readonly reason: string }
  | { readonly kind: 'placed'; readonly waitedMs: number };

export interface PodDecision {
  /** The pod's fate when decided: the wait ends with it. */
  readonly outcome?: PodOutcome;
  /** What to remember until the next look. */
  readonly memory: PodWaitMemory;
  /** When the unschedulable timeout falls due: look again then (ms from now), even if no event comes. */
  readonly recheckInMs?: number;
  readonly note?: PodWaitNote;
}

const IMAGE_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);
/**
 * The kubelet's own pull rate limit (registryPullQPS, 5 a second by default),
 * not the image's fault: with `--force-docker-pull` (pull policy Always) a
 * wide scatter meets it on every node. The kubelet pulls again after its
 * back-off (whose message repeats the cause), so the pod waits.
 */
const KUBELET_PULL_LIMIT = /\bpull QPS exceeded\b/;

/** Decides from the pod as it is `now`; `memory` is the previous decision's (`{}` at first). */
export function decidePod(pod: V1Pod, memory: PodWaitMemory, now: number, unschedulableTimeoutMs: number): PodDecision {
  const outcome = podFate(pod);
  return outcome ? { outcome, memory } : schedulingDecision(pod, memory, now, unschedulableTimeoutMs);
}

/** The pod's end, when its status says it has ended or can never start. */
function podFate(pod: V1Pod): PodOutcome | undefined {
  const status = pod.status;
  if (status?.reason === 'Evicted') return { kind: 'failed', reason: 'Evicted', message: status.message ?? 'the pod was evicted' };
  if (status?.reason === 'DeadlineExceeded') return { kind: 'failed', reason: 'DeadlineExceeded', message: status.message ?? 'activeDeadlineSeconds exceeded' };
  const cs = status?.containerStatuses?.[0];
  const waiting = cs?.state?.waiting;
  if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason) && !KUBELET_PULL_LIMIT.test(waiting.message ?? '')) {
    return { kind: 'failed', reason: waiting.reason, message: waiting.message ?? waiting.reason };
  }
  const terminated = cs?.state?.terminated;
  // A real kubelet stops a deleted pod's container (SIGTERM, then SIGKILL) and
  // publishes that before the pod goes: a failure then is the deletion's doing.
  // (The engine deletes its own pods only after their outcome is decided.)
  if (terminated && terminated.exitCode !== 0 && pod.metadata?.deletionTimestamp) return { kind: 'deleted', exitCode: terminated.exitCode };
  if (terminated && (status?.phase === 'Succeeded' || status?.phase === 'Failed' || terminated.finishedAt)) {
    const ran = terminated.startedAt && terminated.finishedAt ? { start: new Date(terminated.startedAt), finish: new Date(terminated.finishedAt) } : undefined;
    return { kind: 'terminated', exitCode: terminated.exitCode, reason: terminated.reason ?? '', message: terminated.message ?? '', ...(ran ? { ran } : {}) };
  }
  if (status?.phase === 'Failed') return { kind: 'failed', reason: status.reason ?? 'Failed', message: status.message ?? 'the pod failed' };
  return undefined;
}

/** A pod not yet ended: placed, waiting for room, or unplaceable (and for how long). */
function schedulingDecision(pod: V1Pod, memory: PodWaitMemory, now: number, unschedulableTimeoutMs: number): PodDecision {
  const why = unschedulableMessage(pod);
  if (why === undefined) {
    return memory.unschedulableSince === undefined ? { memory: {} } : { memory: {}, note: { kind: 'placed', waitedMs: now - memory.unschedulableSince } };
  }
  const unschedulableSince = memory.unschedulableSince ?? now;
  const note: PodWaitNote | undefined = memory.unschedulableSince === undefined ? { kind: 'waitingForNode', reason: why || 'no node can run it yet' } : undefined;
  // Waiting for room on a busy cluster is what pods do there; only a pod no
  // node could ever take (as the nodes are now: an autoscaler may add one) times out.
  if (waitsForRoom(why)) return { memory: { unschedulableSince }, ...(note ? { note } : {}) };
  const unplaceableSince = memory.unplaceableSince ?? now;
  const waitedMs = now - unplaceableSince;
  if (waitedMs >= unschedulableTimeoutMs) {
    return { outcome: { kind: 'failed', reason: 'Unschedulable', message: why || 'no node can run the pod' }, memory: { unschedulableSince, unplaceableSince } };
  }
  return { memory: { unschedulableSince, unplaceableSince }, recheckInMs: unschedulableTimeoutMs - waitedMs, ...(note ? { note } : {}) };
}

/** The scheduler's reason (`0/1 nodes are available: 1 Insufficient cpu. …`) while the pod is unschedulable; '' when it gave none. */
function unschedulableMessage(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? (scheduled.message ?? '') : undefined;
}

/**
 * Whether the scheduler says some node could take the pod once pods on it
 * leave. kube-scheduler ends its reason with what preemption found per node
 * (`preemption: 0/3 nodes are available: 1 No preemption victims found for
 * incoming pod, 2 Preemption is not helpful for scheduling.`); a node whose
 * own capacity, taints or labels rule the pod out is "not helpful". Without
 * that part (another scheduler, preemption disabled) nothing is known, and
 * the pod is treated as unplaceable.
 */
export function waitsForRoom(message: string): boolean {
  const preemption = /preemption: \d+\/\d+ nodes are available: (.*?)\.?$/.exec(message);
  if (!preemption) return false;
  return preemption[1]!.split(', ').some((entry) => !/^\d+ Preemption is not helpful for scheduling$/.test(entry));
}
