/** A minimal Job controller (NonIndexed): pods from the template, backoffLimit, activeDeadlineSeconds, TTL, status. */
import type { Api } from './api.js';
import { timestamp } from './defaults.js';
import type { EventRecorder } from './events.js';
import { findResource } from './resources.js';
import { ApiError } from './status.js';
import type { Change, KObject, Obj } from './store.js';

const PODS = findResource('', 'pods')!;
const JOBS = findResource('batch', 'jobs')!;
const TERMINAL = new Set(['Succeeded', 'Failed']);

const finished = (job: KObject): boolean => ((job.status?.conditions ?? []) as Obj[]).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

function condition(type: string, reason?: string, message?: string): Obj {
  const now = timestamp();
  return { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

export class JobController {
  #unsubscribe?: () => void;
  readonly #counted = new Map<string, Set<string>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #lastFailure = new Map<string, number>();

  constructor(readonly api: Api, readonly recorder: EventRecorder, readonly backoffMs: number) {}

  start(): void {
    this.#unsubscribe = this.api.store.subscribe((c) => this.#onChange(c));
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #onChange(c: Change): void {
    if (c.key === 'jobs.batch') {
      if (c.type === 'DELETED') {
        this.#counted.delete(c.object.metadata.uid);
        const t = this.#timers.get(c.object.metadata.uid);
        if (t) clearTimeout(t);
        return;
      }
      this.#later(c.object.metadata.namespace!, c.object.metadata.name);
    } else if (c.key === 'pods') {
      const owner = c.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
      if (owner) this.#later(c.object.metadata.namespace!, owner.name);
    }
  }

  #later(ns: string, name: string, ms = 0): void {
    setTimeout(() => { try { this.sync(ns, name); } catch (error) { console.error('test cluster job controller:', error); } }, ms).unref();
  }

  #timer(job: KObject, ms: number, run: () => void): void {
    const uid = job.metadata.uid;
    const old = this.#timers.get(uid);
    if (old) clearTimeout(old);
    this.#timers.set(uid, setTimeout(() => { this.#timers.delete(uid); run(); }, Math.max(0, ms)));
  }

  sync(ns: string, name: string): void {
    const job = this.api.peek(JOBS, ns, name);
    if (!job || job.metadata.deletionTimestamp || finished(job) || job.spec.suspend) return;
    const uid = job.metadata.uid;
    const pods = this.api.store.peekAll('pods', ns).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller));
    const counted = this.#counted.get(uid) ?? new Set<string>();
    this.#counted.set(uid, counted);
    let succeeded = job.status?.succeeded ?? 0, failed = job.status?.failed ?? 0;
    for (const p of pods) {
      if (!TERMINAL.has(p.status?.phase) || counted.has(p.metadata.uid)) continue;
      counted.add(p.metadata.uid);
      if (p.status.phase === 'Succeeded') succeeded++;
      else { failed++; this.#lastFailure.set(uid, Date.now()); }
    }
    const active = pods.filter((p) => !TERMINAL.has(p.status?.phase) && !p.metadata.deletionTimestamp);
    const ready = active.filter((p) => (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length;
    const startTime = job.status?.startTime ?? timestamp();
    const completions = job.spec.completions ?? 1;
    const conditions = this.#ending(job, succeeded, failed, startTime);
    const done = conditions !== undefined;
    if (done) for (const p of active) this.#deletePod(p);
    let created = 0;
    if (!done) {
      const wanted = Math.min(job.spec.parallelism ?? 1, completions - succeeded) - active.length;
      const since = Date.now() - (this.#lastFailure.get(uid) ?? 0);
      const delay = failed > 0 ? this.backoffMs * 2 ** Math.min(failed - 1, 6) - since : 0;
      if (wanted > 0 && delay > 0) this.#later(ns, name, delay);
      else for (let i = 0; i < wanted; i++) if (this.#createPod(job)) created++;
      if (job.spec.activeDeadlineSeconds !== undefined) this.#timer(job, Date.parse(startTime) + job.spec.activeDeadlineSeconds * 1000 - Date.now(), () => this.sync(ns, name));
    }
    this.api.mutate(JOBS, ns, name, (o) => {
      const s: Obj = { ...(o.status ?? {}), startTime, ready, terminating: 0, uncountedTerminatedPods: {} };
      for (const [k, v] of [['active', done ? 0 : active.length + created], ['succeeded', succeeded], ['failed', failed]] as const) {
        if (v) s[k] = v;
        else delete s[k];
      }
      if (conditions !== undefined) {
        s.conditions = [...(s.conditions ?? []), ...conditions];
        if (succeeded >= completions) s.completionTime = timestamp();
      }
      o.status = s;
    });
    if (done && job.spec.ttlSecondsAfterFinished !== undefined) {
      this.#timer(job, job.spec.ttlSecondsAfterFinished * 1000, () => {
        try { this.api.delete(JOBS, ns, name, { propagationPolicy: 'Background' }); } catch { /* already gone */ }
      });
    }
  }

  /** The conditions that end a job (its completions, its backoff limit, its deadline), its event recorded; undefined while it runs. */
  #ending(job: KObject, succeeded: number, failed: number, startTime: string): Obj[] | undefined {
    if (succeeded >= (job.spec.completions ?? 1)) {
      this.recorder.record(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
      return [condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')];
    }
    if (failed > job.spec.backoffLimit) {
      this.recorder.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
      return [condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')];
    }
    if (job.spec.activeDeadlineSeconds !== undefined && Date.now() >= Date.parse(startTime) + job.spec.activeDeadlineSeconds * 1000) {
      this.recorder.record(job, 'Warning', 'DeadlineExceeded', 'Job was active longer than specified deadline', 'job-controller');
      return [condition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline'), condition('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline')];
    }
    return undefined;
  }

  #createPod(job: KObject): boolean {
    const t = job.spec.template ?? {};
    try {
      const pod = this.api.create(PODS, job.metadata.namespace, {
        metadata: {
          generateName: `${job.metadata.name}-`, labels: { ...(t.metadata?.labels ?? {}) }, annotations: { ...(t.metadata?.annotations ?? {}) },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: structuredClone(t.spec),
      });
      this.recorder.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
      return true;
    } catch (error) {
      this.recorder.record(job, 'Warning', 'FailedCreate', `Error creating: ${error instanceof ApiError ? error.message : String(error)}`, 'job-controller');
      return false;
    }
  }

  #deletePod(pod: KObject): void {
    try { this.api.delete(PODS, pod.metadata.namespace, pod.metadata.name, { propagationPolicy: 'Background' }); } catch { /* gone */ }
  }
}
