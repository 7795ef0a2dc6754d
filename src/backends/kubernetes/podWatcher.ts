import { makeInformer, type CoreV1Api, type KubeConfig, type V1Pod, type Informer, type ObjectCache } from '@kubernetes/client-node';
import type { Logger } from '../../logger.js';
import { asApiError, type ApiCall, type KubernetesApiError } from './apiErrors.js';
import { RestartBackoff } from './restartBackoff.js';

/** What a step's pod came to, as decided from the cached pod. */
export type PodOutcome =
  | { readonly kind: 'terminated'; readonly exitCode: number; readonly reason: string; readonly message: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string }
  /** Gone, or killed because someone else deleted it (exitCode: what its container was stopped with). */
  | { readonly kind: 'deleted'; readonly exitCode?: number };

interface Waiter {
  /** The step the pod runs, for log lines. */
  readonly step: string;
  readonly resolve: (outcome: PodOutcome) => void;
  readonly reject: (error: KubernetesApiError) => void;
  readonly onRunning: () => void;
  running: boolean;
  /** Since when the scheduler has not placed the pod. */
  unschedulableSince?: number;
  /** Since when no node could take it even were it empty: what --unschedulable-timeout limits. */
  unplaceableSince?: number;
}

const IMAGE_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);

/**
 * One shared informer (list + watch on the run's label selector) for every
 * pod of a run: handlers only note the pod's name; `reconcile` decides from
 * the cached current state, never from event order. A transient failure of
 * its list or watch restarts it with growing backoff; a permanent one (403,
 * 401, 404) ends every wait, and the run, with that error.
 */
export class PodWatcher {
  readonly #informer: Informer<V1Pod> & ObjectCache<V1Pod>;
  readonly #waiters = new Map<string, Waiter>();
  readonly #backoff: RestartBackoff;
  #stopped = false;
  #failure: KubernetesApiError | undefined;

  constructor(
    kc: KubeConfig, core: CoreV1Api, readonly namespace: string, labelSelector: string,
    readonly logger: Logger, readonly unschedulableTimeoutMs: number, backoff = new RestartBackoff(),
  ) {
    this.#backoff = backoff;
    const list: ApiCall = { verb: 'list', resource: 'pods', namespace };
    this.#informer = makeInformer<V1Pod>(
      kc, `/api/v1/namespaces/${namespace}/pods`,
      // Its errors are the list's; any other error the informer reports is its watch's.
      () => core.listNamespacedPod({ namespace, labelSelector }).catch((error: unknown) => { throw asApiError(list, error); }),
      labelSelector,
    );
    const note = (pod: V1Pod): void => { if (pod.metadata?.name) this.reconcile(pod.metadata.name); };
    this.#informer.on('add', note);
    this.#informer.on('update', note);
    this.#informer.on('delete', (pod) => {
      const name = pod.metadata?.name;
      const w = name ? this.#waiters.get(name) : undefined;
      if (name && w) { this.#waiters.delete(name); w.resolve({ kind: 'deleted' }); }
    });
    this.#informer.on('error', (err: unknown) => this.#onError(asApiError({ verb: 'watch', resource: 'pods', namespace }, err)));
    // A (re)connect is where a watch can lose time unseen: say so under --debug.
    this.#informer.on('connect', () => this.logger.debug('pod watch connecting'));
  }

  #onError(error: KubernetesApiError): void {
    if (this.#stopped) return;
    if (error.kind === 'permanent') {
      this.#fail(error);
      return;
    }
    const delay = this.#backoff.failed();
    this.logger.warn(`pod watch failed (${error.message}); restarting in ${delay} ms`);
    // A restart's own failure comes back through the 'error' event. Not
    // unref'd: while the informer is down, this timer may be all that keeps
    // the run's event loop alive.
    setTimeout(() => { if (!this.#stopped) void this.#informer.start(); }, delay);
  }

  /** A permanent failure: no pod of the run can be followed any more, so every wait ends with it. */
  #fail(error: KubernetesApiError): void {
    this.#failure = error;
    this.#stopped = true;
    void this.#informer.stop();
    for (const [name, w] of this.#waiters) { this.#waiters.delete(name); w.reject(error); }
  }

  /** Lists the run's pods and starts watching; rejects when that fails permanently. */
  async start(): Promise<void> {
    await this.#informer.start();
    // The informer reports a failed list through 'error', not by rejecting.
    if (this.#failure) throw this.#failure;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#informer.stop();
  }

  /** Waits for a pod created by the caller to reach an outcome. */
  wait(name: string, step: string, onRunning: () => void): Promise<PodOutcome> {
    return new Promise((resolve, reject) => {
      if (this.#failure) { reject(this.#failure); return; }
      this.#waiters.set(name, { step, resolve, reject, onRunning, running: false });
      this.reconcile(name);
    });
  }

  /** Ends a wait at once (the run is being cancelled); the pod's deletion follows. */
  cancel(name: string): void {
    const w = this.#waiters.get(name);
    if (!w) return;
    this.#waiters.delete(name);
    w.resolve({ kind: 'deleted' });
  }

  reconcile(name: string): void {
    const w = this.#waiters.get(name);
    if (!w) return;
    const pod = this.#informer.get(name, this.namespace);
    if (!pod) return;
    const waitingSince = w.unschedulableSince;
    const outcome = decide(pod, w, this.unschedulableTimeoutMs);
    // A pod the scheduler cannot place yet (a busy cluster) is a run that
    // seems to stall: say why once, and again when it is placed.
    if (waitingSince === undefined && w.unschedulableSince !== undefined && !outcome) {
      this.logger.info({ step: w.step, pod: name }, `[${w.step}] pod ${name} is waiting for a node: ${unschedulableMessage(pod) || 'no node can run it yet'}`);
    } else if (waitingSince !== undefined && w.unschedulableSince === undefined && !outcome) {
      this.logger.info({ step: w.step, pod: name }, `[${w.step}] pod ${name} was placed on a node after waiting ${Math.round((Date.now() - waitingSince) / 1000)} s`);
    }
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ pod: name, phase: pod.status?.phase, container: containerState(pod), outcome: outcome?.kind }, 'pod update');
    if (outcome) {
      this.#waiters.delete(name);
      w.resolve(outcome);
      return;
    }
    if (!w.running && pod.status?.phase === 'Running') {
      w.running = true;
      w.onRunning();
    }
    if (w.unplaceableSince !== undefined) {
      // Re-check when the timeout is due even if no event arrives.
      const due = w.unplaceableSince + this.unschedulableTimeoutMs - Date.now();
      setTimeout(() => this.reconcile(name), Math.max(0, due) + 10).unref();
    }
  }
}

/** The scheduler's reason (`0/1 nodes are available: 1 Insufficient cpu. …`) while the pod is unschedulable; '' when it gave none. */
function unschedulableMessage(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? (scheduled.message ?? '') : undefined;
}

/** The first container's state in a word (`waiting:ContainerCreating`, `running`, `terminated:0`), for debug lines. */
function containerState(pod: V1Pod): string | undefined {
  const state = pod.status?.containerStatuses?.[0]?.state;
  if (state?.terminated) return `terminated:${state.terminated.exitCode}`;
  if (state?.running) return 'running';
  if (state?.waiting) return `waiting:${state.waiting.reason ?? ''}`;
  return undefined;
}

function decide(pod: V1Pod, w: Waiter, unschedulableTimeoutMs: number): PodOutcome | undefined {
  const status = pod.status;
  if (status?.reason === 'Evicted') return { kind: 'failed', reason: 'Evicted', message: status.message ?? 'the pod was evicted' };
  if (status?.reason === 'DeadlineExceeded') return { kind: 'failed', reason: 'DeadlineExceeded', message: status.message ?? 'activeDeadlineSeconds exceeded' };
  const cs = status?.containerStatuses?.[0];
  const waiting = cs?.state?.waiting;
  if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason)) {
    return { kind: 'failed', reason: waiting.reason, message: waiting.message ?? waiting.reason };
  }
  const terminated = cs?.state?.terminated;
  // A real kubelet stops a deleted pod's container (SIGTERM, then SIGKILL) and
  // publishes that before the pod goes: a failure then is the deletion's doing.
  // (The engine deletes its own pods only after their outcome is decided.)
  if (terminated && terminated.exitCode !== 0 && pod.metadata?.deletionTimestamp) return { kind: 'deleted', exitCode: terminated.exitCode };
  if (terminated && (status?.phase === 'Succeeded' || status?.phase === 'Failed' || terminated.finishedAt)) {
    return { kind: 'terminated', exitCode: terminated.exitCode, reason: terminated.reason ?? '', message: terminated.message ?? '' };
  }
  if (status?.phase === 'Failed') return { kind: 'failed', reason: status.reason ?? 'Failed', message: status.message ?? 'the pod failed' };
  const why = unschedulableMessage(pod);
  if (why === undefined) {
    w.unschedulableSince = w.unplaceableSince = undefined;
    return undefined;
  }
  w.unschedulableSince ??= Date.now();
  // Waiting for room on a busy cluster is what pods do there; only a pod no
  // node could ever take (as the nodes are now: an autoscaler may add one) times out.
  if (waitsForRoom(why)) {
    w.unplaceableSince = undefined;
    return undefined;
  }
  w.unplaceableSince ??= Date.now();
  if (Date.now() - w.unplaceableSince >= unschedulableTimeoutMs) {
    return { kind: 'failed', reason: 'Unschedulable', message: why || 'no node can run the pod' };
  }
  return undefined;
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
