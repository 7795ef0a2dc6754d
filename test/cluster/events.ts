/** core/v1 Events for what the scheduler and kubelet do (as `kubectl describe` shows them). */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Api } from './api.js';
import { timestamp } from './defaults.js';
import { findResource } from './resources.js';
import type { KObject } from './store.js';

const EVENTS = findResource('', 'events')!;
const NAMESPACES = findResource('', 'namespaces')!;

/** Events kept (the real ones expire after an hour): the oldest go first. */
const MAX_EVENTS = 2000;

export class EventRecorder {
  readonly #seen = new Map<string, string>();
  readonly #order: [string, string][] = [];

  constructor(readonly api: Api, readonly host: string) {}

  record(obj: KObject | undefined, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kubelet', fieldPath?: string): void {
    if (!obj) return;
    const ns = obj.metadata.namespace ?? 'default';
    if (!this.api.peek(NAMESPACES, undefined, ns)) return;
    const key = `${obj.metadata.uid}\u0000${reason}\u0000${message}`;
    const now = timestamp();
    const existing = this.#seen.get(key);
    if (existing && this.api.peek(EVENTS, ns, existing)) {
      this.api.mutate(EVENTS, ns, existing, (e) => { e.count = (e.count ?? 1) + 1; e.lastTimestamp = now; });
      return;
    }
    const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
    this.#seen.set(key, name);
    this.#order.push([ns, name]);
    while (this.#order.length > MAX_EVENTS) {
      const [oldNs, oldName] = this.#order.shift()!;
      this.api.store.remove('events', oldNs, oldName);
    }
    this.api.store.add('events', {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: ns, uid: randomUUID(), resourceVersion: '', creationTimestamp: now },
      involvedObject: {
        kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid,
        apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}),
      },
      reason, message, source: component === 'kubelet' ? { component, host: this.host } : { component },
      firstTimestamp: now, lastTimestamp: now, count: 1, type, eventTime: null,
      reportingComponent: component, reportingInstance: component === 'kubelet' ? this.host : '',
    });
  }
}
