import { makeInformer, type CoreV1Api, type KubeConfig, type V1Pod, type Informer, type ObjectCache } from '@kubernetes/client-node';
import type { Logger } from '../../logger.js';
import { asApiError, type ApiCall, type KubernetesApiError } from './apiErrors.js';
import { decidePod, type PodOutcome, type PodWaitMemory, type PodWaitNote } from './podDecision.js';
import { RestartBackoff } from './restartBackoff.js';

interface Waiter {
  /** The step the pod runs, for log lines. */
  readonly step: string;
  readonly resolve: (outcome: PodOutcome) => void;
  readonly reject: (error: KubernetesApiError) => void;
  readonly onRunning: () => void;
  running: boolean;
  /** What the last decision remembered (how long the pod has waited for a node). */
  memory: PodWaitMemory;
}

/**
 * One shared informer (list + watch on the run's label selector) for every
 * pod of a run: handlers only note the pod's name; `reconcile` decides from
 * the cached current state, never from event order. A transient failure of
 * its list or watch restarts it with growing backoff; a permanent one (403,
 * 401, 404) ends every wait, and the run, with that error. What a pod came
 * to is decidePod's to say (podDecision.ts), at the time of `now`.
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
    readonly now: () => number = Date.now,
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
      this.#waiters.set(name, { step, resolve, reject, onRunning, running: false, memory: {} });
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
    const decision = decidePod(pod, w.memory, this.now(), this.unschedulableTimeoutMs);
    const outcome = decision.outcome;
    w.memory = decision.memory;
    if (decision.note) this.logger.info({ step: w.step, pod: name }, `[${w.step}] pod ${name} ${waitLine(decision.note)}`);
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
    // Look again when the unschedulable timeout is due even if no event arrives.
    if (decision.recheckInMs !== undefined) setTimeout(() => this.reconcile(name), decision.recheckInMs + 10).unref();
  }
}

function waitLine(note: PodWaitNote): string {
  return note.kind === 'waitingForNode' ? `is waiting for a node: ${note.reason}` : `was placed on a node after waiting ${Math.round(note.waitedMs / 1000)} s`;
}

/** The first container's state in a word (`waiting:ContainerCreating`, `running`, `terminated:0`), for debug lines. */
function containerState(pod: V1Pod): string | undefined {
  const state = pod.status?.containerStatuses?.[0]?.state;
  if (state?.terminated) return `terminated:${state.terminated.exitCode}`;
  if (state?.running) return 'running';
  if (state?.waiting) return `waiting:${state.waiting.reason ?? ''}`;
  return undefined;
}
