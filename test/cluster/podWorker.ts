/** One pod on the node: volumes, image checks, Docker containers, restarts, deadline, status updates. */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Api } from './api.js';
import { ConfigError } from './containerConfig.js';
import type { Counters } from './counters.js';
import { timestamp } from './defaults.js';
import type { Docker } from './docker.js';
import type { EventRecorder } from './events.js';
import type { Faults } from './faults.js';
import { dockerConfig, exitedState, pullImage, seconds } from './containerSteps.js';
import { ContainerRuntime, type PodOverride, renderStatus } from './podStatus.js';
import { findResource } from './resources.js';
import type { KObject, Obj } from './store.js';
import { MountError, prepareVolumes } from './volumes.js';

const PODS = findResource('', 'pods')!;

export interface WorkerDeps {
  readonly api: Api;
  readonly docker: Docker;
  readonly recorder: EventRecorder;
  readonly faults: Faults;
  readonly counters: Counters;
  readonly clusterId: string;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly allocatable: { cpu: number; memory: number };
  readonly claimPath: (ns: string, claim: string) => string | undefined;
  readonly timing: { imagePullBackoffMs: number; retryMs: number; restartBackoffMs: number };
  readonly register: (containerId: string, worker: PodWorker, c: ContainerRuntime) => void;
}

export class PodWorker {
  readonly uid: string;
  readonly ns: string;
  readonly name: string;
  readonly containers: ContainerRuntime[];
  readonly podDir: string;
  readonly containerIds: string[] = [];
  sandboxReady = false;
  terminating = false;
  startTime = timestamp();
  readonly #startedAt = Date.now();
  override?: PodOverride;
  volumes = new Map<string, string>();
  #timers = new Set<NodeJS.Timeout>();
  #wakers = new Set<() => void>();
  #deadline?: NodeJS.Timeout;
  #killing?: Promise<void>;
  readonly #oom = new Set<string>();
  #cleaned = false;

  constructor(readonly deps: WorkerDeps, pod: KObject, readonly podIP: string, dataDir: string) {
    this.uid = pod.metadata.uid;
    this.ns = pod.metadata.namespace!;
    this.name = pod.metadata.name;
    this.podDir = path.join(dataDir, 'pods', this.uid);
    this.containers = [
      ...((pod.spec.initContainers ?? []) as Obj[]).map((c) => new ContainerRuntime(c, true, c.image)),
      ...((pod.spec.containers ?? []) as Obj[]).map((c) => new ContainerRuntime(c, false, c.image)),
    ];
  }

  get pod(): KObject | undefined {
    const p = this.deps.api.peek(PODS, this.ns, this.name);
    return p?.metadata.uid === this.uid ? p : undefined;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string, c?: ContainerRuntime): void {
    const fieldPath = c ? `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}` : undefined;
    this.deps.recorder.record(this.pod, type, reason, message, 'kubelet', fieldPath);
  }

  /** Writes the status derived from the containers' states. */
  publish(): void {
    const pod = this.pod;
    if (!pod) return;
    const saved = this.deps.api.mutate(PODS, this.ns, this.name, (o) => {
      o.status = renderStatus({
        restartPolicy: pod.spec.restartPolicy, containers: this.containers, sandboxReady: this.sandboxReady,
        startTime: this.startTime, terminating: this.terminating, override: this.override, hostIP: this.deps.hostIP, podIP: this.podIP,
      }, o.status);
    });
    this.deps.counters.podRunning(this.uid, this.containers.some((c) => c.state.running));
    if (['Succeeded', 'Failed'].includes(saved?.status?.phase)) this.deps.counters.podFinished(this.uid);
    if (['Succeeded', 'Failed'].includes(saved?.status?.phase) && this.#deadline) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#timers.delete(t); this.#wakers.delete(resolve); resolve(); }, ms);
      this.#timers.add(t);
      this.#wakers.add(resolve);
    });
  }

  setWaiting(c: ContainerRuntime, reason: string, message?: string): void {
    c.state = { waiting: message ? { reason, message } : { reason } };
    this.publish();
  }

  async run(): Promise<void> {
    const pod = this.pod;
    if (!pod) return;
    this.publish();
    this.armDeadline();
    await mkdir(path.join(this.podDir, 'containers'), { recursive: true });
    for (;;) {
      if (this.terminating || !this.pod) return;
      try {
        this.volumes = await prepareVolumes({
          pod: this.pod, podDir: this.podDir, claimPath: (claim) => this.deps.claimPath(this.ns, claim),
          lookup: (kind, name) => this.deps.api.peek(findResource('', kind)!, this.ns, name),
        });
        break;
      } catch (error) {
        if (!(error instanceof MountError)) throw error;
        this.event('Warning', 'FailedMount', error.message);
        await this.sleep(this.deps.timing.retryMs);
      }
    }
    this.sandboxReady = true;
    this.publish();
    for (const c of this.containers.filter((x) => x.init)) {
      for (;;) {
        if (!(await this.#startContainer(c))) return;
        const code = await c.waitExit();
        if (this.terminating) return;
        if (code === 0) break;
        if (pod.spec.restartPolicy === 'Never') return;
        await this.#backOff(c);
      }
    }
    await Promise.all(this.containers.filter((x) => !x.init).map((c) => this.#startContainer(c)));
  }

  /** Starts one container; false when it never will (pod terminating or a permanent error). */
  async #startContainer(c: ContainerRuntime): Promise<boolean> {
    for (;;) {
      if (this.terminating || !this.pod) return false;
      const info = await pullImage(this, c);
      const pod = this.pod;
      if (!info || !pod) return false;
      const logPath = path.join(this.podDir, 'containers', `${c.name}-${c.attempt}.termination-log`);
      let body: Obj;
      try {
        body = await dockerConfig(this, pod, c, info, logPath);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.setWaiting(c, 'CreateContainerConfigError', error.message);
        this.event('Warning', 'Failed', `Error: ${error.message}`, c);
        await this.sleep(this.deps.timing.retryMs);
        continue;
      }
      let id: string;
      try {
        id = await this.deps.docker.createContainer(`k8s_${c.name}_${this.name}_${this.ns}_${this.uid}_${c.attempt}`, body);
      } catch (error) {
        this.setWaiting(c, 'CreateContainerError', (error as Error).message);
        this.event('Warning', 'Failed', `Error: ${(error as Error).message}`, c);
        await this.sleep(this.deps.timing.retryMs);
        continue;
      }
      c.id = id;
      c.exited = false;
      this.containerIds.push(id);
      this.deps.register(id, this, c);
      c.logPath = logPath;
      if (this.terminating) return this.#discard(id);
      this.event('Normal', 'Created', `Created container ${c.name}`, c);
      try {
        await this.deps.docker.start(id);
      } catch (error) {
        const message = (error as Error).message;
        c.terminate({ exitCode: 128, reason: 'StartError', message, startedAt: '1970-01-01T00:00:00Z', finishedAt: timestamp(), containerID: `docker://${id}` });
        this.event('Warning', 'Failed', `Error: ${message}`, c);
        this.publish();
        this.#afterExit(c);
        return true;
      }
      this.deps.counters.containersStarted++;
      if (this.terminating) return this.#discard(id);
      const state = await this.deps.docker.inspect(id);
      if (!c.exited && c.id === id) {
        if (state?.State.Running) {
          c.state = { running: { startedAt: seconds(state.State.StartedAt) } };
          this.event('Normal', 'Started', `Started container ${c.name}`, c);
          this.publish();
        } else if (state) {
          await this.onDie(c, id); // exited before we looked (the die event will find it handled)
        }
      }
      return true;
    }
  }

  /** Handles a container's exit (from the docker event stream, or noticed after start). */
  async onDie(c: ContainerRuntime, id: string): Promise<void> {
    if (c.exited || c.id !== id) return;
    const info = await this.deps.docker.inspect(id);
    if (c.exited || c.id !== id || !info || info.State.Running) return;
    const terminated = await exitedState(this.deps.docker, c, id, info.State, this.terminating, this.#oom);
    if (c.exited || c.id !== id) return; // handled meanwhile (event and post-start check race)
    c.terminate(terminated);
    this.publish();
    this.#afterExit(c);
  }

  noteOom(id: string): void { this.#oom.add(id); }

  #afterExit(c: ContainerRuntime): void {
    if (c.init || this.terminating || !this.pod) return;
    const policy = this.pod.spec.restartPolicy;
    const code = c.state.terminated?.exitCode ?? 0;
    if (policy === 'Always' || (policy === 'OnFailure' && code !== 0)) {
      void this.#backOff(c).then(() => this.#startContainer(c)).catch((e) => console.error('test cluster: restart failed', e));
    }
  }

  async #backOff(c: ContainerRuntime): Promise<void> {
    const delay = Math.min(this.deps.timing.restartBackoffMs * 2 ** Math.min(c.restartCount, 5), 300_000);
    c.lastState = { terminated: c.state.terminated };
    c.restartCount++;
    c.attempt++;
    this.setWaiting(c, 'CrashLoopBackOff', `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${this.name}_${this.ns}(${this.uid})`);
    this.event('Warning', 'BackOff', 'Back-off restarting failed container', c);
    await this.sleep(delay);
  }

  armDeadline(): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = undefined;
    const seconds = this.pod?.spec.activeDeadlineSeconds;
    if (seconds === undefined || this.terminating) return;
    const due = this.#startedAt + seconds * 1000 - Date.now();
    this.#deadline = setTimeout(() => {
      const message = 'Pod was active on the node longer than the specified deadline';
      if (['Succeeded', 'Failed'].includes(this.pod?.status?.phase)) return;
      this.event('Normal', 'DeadlineExceeded', message);
      void this.kill({ phase: 'Failed', reason: 'DeadlineExceeded', message });
    }, Math.max(0, due));
  }

  /** Stops every container (SIGKILL) and marks the pod terminal; `override` sets a pod-level reason. */
  kill(override?: PodOverride): Promise<void> {
    if (override && !this.override && !['Succeeded', 'Failed'].includes(this.pod?.status?.phase)) this.override = override;
    this.#killing ??= this.#kill();
    return this.#killing;
  }

  async #kill(): Promise<void> {
    this.terminating = true;
    if (this.#deadline) clearTimeout(this.#deadline);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const w of this.#wakers) w();
    this.#wakers.clear();
    const live = this.containers.filter((c) => c.id && !c.exited && c.state.running);
    if (live.length) this.event('Normal', 'Killing', `Stopping container ${live.map((c) => c.name).join(', ')}`, live[0]);
    await Promise.all(live.map(async (c) => {
      const id = c.id!;
      await this.deps.docker.kill(id);
      await this.deps.docker.wait(id).catch(() => undefined);
      await this.onDie(c, id);
    }));
    for (const c of this.containers) {
      if (c.state.waiting || (c.state.running && !c.exited)) {
        c.terminate({ exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: null, finishedAt: timestamp() });
      }
    }
    this.publish();
  }

  /** A container that came up while the pod was being stopped: kill it, and remove it if the pod is already cleaned up. */
  async #discard(id: string): Promise<false> {
    await this.deps.docker.kill(id);
    if (this.#cleaned) await this.deps.docker.remove(id);
    return false;
  }

  /** After the pod is gone: remove its containers and files. */
  async cleanup(): Promise<void> {
    this.#cleaned = true;
    await this.kill();
    this.deps.counters.podRunning(this.uid, false);
    await Promise.all(this.containerIds.map((id) => this.deps.docker.remove(id).catch(() => undefined)));
    await rm(this.podDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
