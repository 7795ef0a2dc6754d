/** The kubelet's view of one pod (container states) and the PodStatus it derives from it. */
import { timestamp } from './defaults.js';
import type { Obj } from './store.js';

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason: string; message?: string; startedAt: string | null; finishedAt: string; containerID?: string };
}

export class ContainerRuntime {
  id?: string;
  imageID = '';
  state: ContainerState = {};
  lastState: ContainerState = {};
  restartCount = 0;
  /** Docker name suffix: one container per (re)creation. */
  attempt = 0;
  exited = false;
  /** Host file mounted at the container's terminationMessagePath. */
  logPath = '';
  #exitWaiters: ((code: number) => void)[] = [];

  constructor(readonly spec: Obj, readonly init: boolean, public image: string) {
    this.state = { waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' } };
  }

  get name(): string { return this.spec.name; }

  /** Resolves with the exit code when the current run terminates. */
  waitExit(): Promise<number> {
    if (this.state.terminated) return Promise.resolve(this.state.terminated.exitCode);
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
  }

  terminate(t: NonNullable<ContainerState['terminated']>): void {
    this.state = { terminated: t };
    this.exited = true;
    for (const w of this.#exitWaiters.splice(0)) w(t.exitCode);
  }

  status(): Obj {
    const running = !!this.state.running;
    const s: Obj = {
      name: this.name, state: this.state, lastState: this.lastState, ready: running, restartCount: this.restartCount,
      image: this.image, imageID: this.imageID, started: running,
    };
    if (this.id) s.containerID = `docker://${this.id}`;
    return s;
  }
}

export interface PodOverride { phase: 'Failed'; reason: string; message: string; disruption?: boolean }

const TERMINAL = new Set(['Succeeded', 'Failed']);

/** The pod phase, as kubelet getPhase computes it. */
export function computePhase(restartPolicy: string, containers: readonly ContainerRuntime[], terminating: boolean): string {
  const inits = containers.filter((c) => c.init);
  const apps = containers.filter((c) => !c.init);
  const initFailed = inits.some((c) => c.state.terminated && c.state.terminated.exitCode !== 0);
  const initDone = inits.every((c) => c.state.terminated?.exitCode === 0);
  if (!initDone) {
    if (initFailed && (restartPolicy === 'Never' || terminating)) return 'Failed';
    if (terminating && inits.every((c) => c.state.terminated || !c.id)) return 'Failed';
    return 'Pending';
  }
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const c of apps) {
    if (c.state.running) running++;
    else if (c.state.terminated) { stopped++; if (c.state.terminated.exitCode === 0) succeeded++; }
    else if (c.lastState.terminated) stopped++;
    else waiting++;
  }
  if (terminating && running === 0) return stopped > 0 && stopped === succeeded && waiting === 0 ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): Obj {
  const c: Obj = { type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: timestamp() };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** Keeps lastTransitionTime of conditions whose status did not change. */
function mergeConditions(old: Obj[] | undefined, next: Obj[]): Obj[] {
  return next.map((c) => {
    const prev = old?.find((o) => o.type === c.type);
    return prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
  });
}

export interface PodView {
  readonly restartPolicy: string;
  readonly containers: readonly ContainerRuntime[];
  readonly sandboxReady: boolean;
  readonly startTime: string;
  readonly terminating: boolean;
  readonly override?: PodOverride;
  readonly hostIP: string;
  readonly podIP: string;
}

/** The full pod status for the kubelet's state; `old` keeps the scheduler's condition and transition times. */
export function renderStatus(view: PodView, old: Obj | undefined): Obj {
  const prevPhase = old?.phase;
  let phase = view.override?.phase ?? computePhase(view.restartPolicy, view.containers, view.terminating);
  if (TERMINAL.has(prevPhase) && !view.override) phase = prevPhase; // terminal phases never change
  const inits = view.containers.filter((c) => c.init);
  const apps = view.containers.filter((c) => !c.init);
  const pendingInit = inits.filter((c) => c.state.terminated?.exitCode !== 0).map((c) => c.name);
  const unready = apps.filter((c) => !c.state.running).map((c) => c.name);
  const conditions: Obj[] = [];
  if (view.override?.disruption) conditions.push(condition('DisruptionTarget', true, 'TerminationByKubelet', view.override.message));
  conditions.push(condition('PodReadyToStartContainers', view.sandboxReady && !TERMINAL.has(phase)));
  conditions.push(pendingInit.length ? condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.join(' ')}]`) : condition('Initialized', true));
  const ready = unready.length === 0 && phase === 'Running';
  const notReady = phase === 'Succeeded' ? ['PodCompleted', undefined] : phase === 'Failed' ? ['PodFailed', undefined] : ['ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`];
  conditions.push(ready ? condition('Ready', true) : condition('Ready', false, notReady[0], notReady[1]));
  conditions.push(ready ? condition('ContainersReady', true) : condition('ContainersReady', false, notReady[0], notReady[1]));
  const scheduled = old?.conditions?.find((c: Obj) => c.type === 'PodScheduled');
  if (scheduled) conditions.push(scheduled);
  const status: Obj = {
    phase, conditions: mergeConditions(old?.conditions, conditions),
    hostIP: view.hostIP, hostIPs: [{ ip: view.hostIP }], podIP: view.podIP, podIPs: [{ ip: view.podIP }],
    startTime: view.startTime,
  };
  if (inits.length) status.initContainerStatuses = inits.map((c) => c.status());
  status.containerStatuses = apps.map((c) => c.status());
  if (old?.qosClass) status.qosClass = old.qosClass;
  if (view.override) { status.reason = view.override.reason; status.message = view.override.message; }
  return status;
}
