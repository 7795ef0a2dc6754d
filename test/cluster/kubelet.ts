/** The node agent: runs the pods bound to the node as Docker containers and follows them through Docker's event stream. */
import type { Api } from './api.js';
import type { Counters } from './counters.js';
import type { Docker, DockerEvent } from './docker.js';
import type { EventRecorder } from './events.js';
import type { Faults } from './faults.js';
import type { ContainerRuntime } from './podStatus.js';
import { PodWorker, type WorkerDeps } from './podWorker.js';
import { findResource } from './resources.js';
import { ApiError } from './status.js';
import type { Change } from './store.js';

const PODS = findResource('', 'pods')!;
const TERMINAL = new Set(['Succeeded', 'Failed']);

export interface KubeletOptions {
  readonly clusterId: string;
  readonly dataDir: string;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly allocatable: { cpu: number; memory: number };
  readonly claimPath: (ns: string, claim: string) => string | undefined;
  readonly timing: WorkerDeps['timing'];
}

export class Kubelet {
  readonly #workers = new Map<string, PodWorker>();
  readonly #byContainer = new Map<string, { worker: PodWorker; c: ContainerRuntime }>();
  readonly #tasks = new Set<Promise<unknown>>();
  #unsubscribe?: () => void;
  #stopEvents?: () => void;
  #lastEvent = 0;
  #nextIP = 0;
  #stopped = false;
  readonly #deps: WorkerDeps;

  constructor(readonly api: Api, readonly docker: Docker, recorder: EventRecorder, faults: Faults, counters: Counters, readonly options: KubeletOptions) {
    this.#deps = {
      api, docker, recorder, faults, counters, clusterId: options.clusterId, nodeName: options.nodeName, hostIP: options.hostIP,
      allocatable: options.allocatable, claimPath: options.claimPath, timing: options.timing,
      register: (id, worker, c) => this.#byContainer.set(id, { worker, c }),
    };
  }

  get label(): string { return `bespin-test-cluster=${this.options.clusterId}`; }

  #track(p: Promise<unknown>): void {
    const t = p.catch((error) => { if (!this.#stopped) console.error('test cluster kubelet:', error); }).finally(() => this.#tasks.delete(t));
    this.#tasks.add(t);
  }

  start(): void {
    this.#lastEvent = Date.now() / 1000 - 1;
    this.#listen();
    this.#unsubscribe = this.api.store.subscribe((c) => this.#onChange(c));
    for (const pod of this.api.store.peekAll('pods')) this.#onChange({ type: 'ADDED', key: 'pods', rv: 0, object: pod });
  }

  #listen(): void {
    this.#stopEvents = this.docker.events(this.label, this.#lastEvent, (e) => this.#onDockerEvent(e), () => {
      if (this.#stopped) return;
      setTimeout(() => { if (!this.#stopped) this.#listen(); }, 500).unref();
    });
  }

  #onDockerEvent(e: DockerEvent): void {
    this.#lastEvent = Math.max(this.#lastEvent, e.timeNano / 1e9);
    const entry = this.#byContainer.get(e.Actor.ID);
    if (!entry) return;
    if (e.Action === 'oom') entry.worker.noteOom(e.Actor.ID);
    if (e.Action === 'die') this.#track(entry.worker.onDie(entry.c, e.Actor.ID));
  }

  #onChange(change: Change): void {
    if (change.key !== 'pods' || this.#stopped) return;
    const pod = change.object;
    const uid = pod.metadata.uid;
    let w = this.#workers.get(uid);
    if (change.type === 'DELETED') {
      if (w) {
        this.#workers.delete(uid);
        this.#track(w.cleanup());
      }
      return;
    }
    if (pod.spec?.nodeName !== this.options.nodeName) return;
    if (!w) {
      if (TERMINAL.has(pod.status?.phase)) return;
      w = new PodWorker(this.#deps, pod, `10.244.0.${(this.#nextIP++ % 250) + 2}`, this.options.dataDir);
      this.#workers.set(uid, w);
      this.#track(w.run());
    }
    if (pod.metadata.deletionTimestamp) {
      const worker = w;
      this.#track(worker.kill().then(() => this.api.tryFinalize(PODS, worker.ns, worker.name)));
    } else if (change.old && change.old.spec?.activeDeadlineSeconds !== pod.spec?.activeDeadlineSeconds) {
      w.armDeadline();
    }
  }

  /** Evicts a pod on this node as memory pressure would. */
  async evict(ns: string, name: string): Promise<void> {
    const pod = this.api.peek(PODS, ns, name);
    if (!pod) throw ApiError.notFound(PODS, name);
    const w = this.#workers.get(pod.metadata.uid);
    if (!w || TERMINAL.has(pod.status?.phase)) throw ApiError.badRequest(`pod ${name} is not running on node ${this.options.nodeName}`);
    const message = 'The node was low on resource: memory.';
    this.#deps.recorder.record(pod, 'Warning', 'Evicted', message);
    await w.kill({ phase: 'Failed', reason: 'Evicted', message, disruption: true });
  }

  /** Stops every pod and removes every container this cluster created. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    const workers = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(workers.map((w) => w.cleanup().catch(() => undefined)));
    this.#stopped = true;
    this.#stopEvents?.();
    await Promise.allSettled([...this.#tasks]);
    for (const c of await this.docker.list(this.label).catch(() => [])) await this.docker.remove(c.Id).catch(() => undefined);
  }
}
