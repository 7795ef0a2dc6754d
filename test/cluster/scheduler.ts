/** The scheduler for the one node: node affinity, PVCs, resource fit; binds or marks the pod Unschedulable. */
import type { Api } from './api.js';
import { timestamp } from './defaults.js';
import type { EventRecorder } from './events.js';
import { resourceAmounts } from './quantity.js';
import { findResource } from './resources.js';
import { matchesRequirement, type Operator } from './selectors.js';
import type { Change, KObject, Obj } from './store.js';

const PODS = findResource('', 'pods')!;
const NODES = findResource('', 'nodes')!;
const PVCS = findResource('', 'persistentvolumeclaims')!;
const TERMINAL = new Set(['Succeeded', 'Failed']);

/** Requests of a pod: the sum over containers, at least the largest init container's. */
export function podRequests(spec: Obj): Map<string, number> {
  const total = new Map<string, number>();
  for (const c of (spec.containers ?? []) as Obj[]) {
    for (const [k, v] of resourceAmounts(c.resources?.requests)) total.set(k, (total.get(k) ?? 0) + v);
  }
  for (const c of (spec.initContainers ?? []) as Obj[]) {
    for (const [k, v] of resourceAmounts(c.resources?.requests)) total.set(k, Math.max(total.get(k) ?? 0, v));
  }
  total.set('pods', 1);
  return total;
}

export class Scheduler {
  #unsubscribe?: () => void;
  #queued = false;

  constructor(readonly api: Api, readonly recorder: EventRecorder, readonly nodeName: string) {}

  start(): void {
    this.#unsubscribe = this.api.store.subscribe((c) => this.#onChange(c));
    this.retry();
  }

  stop(): void { this.#unsubscribe?.(); }

  #onChange(c: Change): void {
    if (c.key === 'pods') {
      const freed = c.type === 'DELETED' || (c.type === 'MODIFIED' && TERMINAL.has(c.object.status?.phase) && !TERMINAL.has(c.old?.status?.phase));
      if (freed || (c.type === 'ADDED' && !c.object.spec?.nodeName)) this.retry();
    } else if (c.key === 'persistentvolumeclaims' || c.key === 'nodes') {
      this.retry();
    }
  }

  /** Tries every pending pod again (soon, once). */
  retry(): void {
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      const pending = this.api.store.peekAll('pods').filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp)
        .sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion)));
      for (const pod of pending) this.#schedule(pod);
    });
  }

  /** Why the node does not fit the pod (`undefined`: it fits), worded as the scheduler's FailedScheduling message. */
  #unfit(pod: KObject, node: KObject): string | undefined {
    for (const v of (pod.spec.volumes ?? []) as Obj[]) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const pvc = this.api.peek(PVCS, pod.metadata.namespace, claim);
      if (!pvc) return `0/1 nodes are available: persistentvolumeclaim ${JSON.stringify(claim)} not found.`;
      if (pvc.metadata.deletionTimestamp) return `0/1 nodes are available: persistentvolumeclaim ${JSON.stringify(claim)} is being deleted.`;
    }
    // As kube-scheduler words it, the preemption part says whether the node could take the pod were it empty.
    const notHelpful = ' preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    if (node.spec?.unschedulable) return `0/1 nodes are available: 1 node(s) were unschedulable.${notHelpful}`;
    const labels = node.metadata.labels ?? {};
    const selectorOk = Object.entries((pod.spec.nodeSelector ?? {}) as Record<string, string>).every(([k, v]) => labels[k] === v);
    const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as Obj[] | undefined;
    const affinityOk = !terms?.length || terms.some((t) => ((t.matchExpressions ?? []) as Obj[]).every((e) => matchesRequirement({ key: e.key, op: e.operator as Operator, values: e.values ?? [] }, labels)));
    if (!selectorOk || !affinityOk) return `0/1 nodes are available: 1 node(s) didn't match Node's node affinity/selector.${notHelpful}`;
    const allocatable = resourceAmounts(node.status?.allocatable);
    const used = new Map<string, number>();
    for (const p of this.api.store.peekAll('pods')) {
      if (p.spec?.nodeName !== node.metadata.name || TERMINAL.has(p.status?.phase)) continue;
      for (const [k, v] of podRequests(p.spec)) used.set(k, (used.get(k) ?? 0) + v);
    }
    const insufficient: string[] = [];
    let everFits = true;
    for (const [k, v] of podRequests(pod.spec)) {
      if (v === 0) continue;
      if (v > (allocatable.get(k) ?? 0) - (used.get(k) ?? 0)) insufficient.push(k === 'pods' ? 'Too many pods' : `Insufficient ${k}`);
      if (v > (allocatable.get(k) ?? 0)) everFits = false;
    }
    if (insufficient.length) {
      return `0/1 nodes are available: ${insufficient.sort().map((r) => `1 ${r}`).join(', ')}.${everFits ? ' preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' : notHelpful}`;
    }
    return undefined;
  }

  #schedule(pod: KObject): void {
    const node = this.api.peek(NODES, undefined, this.nodeName);
    if (!node) return;
    const why = this.#unfit(pod, node);
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    if (why) {
      const current = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled');
      if (current?.message === why) return;
      this.api.mutate(PODS, ns, name, (o) => {
        o.status = { ...(o.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: current?.lastTransitionTime ?? timestamp(), reason: 'Unschedulable', message: why }] };
      });
      this.recorder.record(this.api.peek(PODS, ns, name), 'Warning', 'FailedScheduling', why, 'default-scheduler');
      return;
    }
    this.api.mutate(PODS, ns, name, (o) => {
      o.spec.nodeName = this.nodeName;
      const conditions = ((o.status?.conditions ?? []) as Obj[]).filter((c) => c.type !== 'PodScheduled');
      o.status = { ...(o.status ?? {}), conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp() }] };
    });
    this.recorder.record(this.api.peek(PODS, ns, name), 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${this.nodeName}`, 'default-scheduler');
  }
}
