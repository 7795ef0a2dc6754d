/**
 * The object store: one global resourceVersion counter (as etcd's revision),
 * per-resource event history for watches, watch fan-out with selector
 * transitions, and in-process listeners for the controllers.
 */

export type Obj = Record<string, any>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  generateName?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface OwnerReference { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }

export interface KObject extends Obj { apiVersion: string; kind: string; metadata: ObjectMeta }

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  readonly type: ChangeType;
  /** Store key of the resource (`pods`, `jobs.batch`). */
  readonly key: string;
  readonly rv: number;
  readonly object: KObject;
  readonly old?: KObject;
}

export interface Watcher {
  readonly key: string;
  readonly namespace?: string;
  matches(obj: KObject): boolean;
  send(type: ChangeType, obj: KObject): void;
}

interface History { events: Change[]; compactedRV: number }

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

const nsOf = (o: KObject): string => o.metadata.namespace ?? '';
const id = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

export class Store {
  #rv: number;
  readonly #objects = new Map<string, Map<string, KObject>>();
  readonly #history = new Map<string, History>();
  readonly #watchers = new Set<Watcher>();
  readonly #listeners = new Set<(c: Change) => void>();
  readonly #pending: Change[] = [];
  #draining = false;
  /** Resource versions before this are gone for every resource (set by expireHistory). */
  #floor = 0;

  constructor(readonly historySize = 1000, initialRV = 100) {
    this.#rv = initialRV;
  }

  /** The newest resourceVersion (what a list returns). */
  get rv(): number { return this.#rv; }

  #bucket(key: string): Map<string, KObject> {
    let b = this.#objects.get(key);
    if (!b) this.#objects.set(key, (b = new Map()));
    return b;
  }

  #historyOf(key: string): History {
    let h = this.#history.get(key);
    if (!h) this.#history.set(key, (h = { events: [], compactedRV: this.#floor }));
    return h;
  }

  /** The stored (frozen) object; never mutate it. */
  peek(key: string, ns: string | undefined, name: string): KObject | undefined {
    return this.#objects.get(key)?.get(id(ns, name));
  }

  get(key: string, ns: string | undefined, name: string): KObject | undefined {
    const o = this.peek(key, ns, name);
    return o && structuredClone(o);
  }

  /** Stored (frozen) objects in key order, as etcd lists them. */
  peekAll(key: string, ns?: string): KObject[] {
    const all = [...(this.#objects.get(key)?.values() ?? [])].filter((o) => ns === undefined || nsOf(o) === ns);
    return all.sort((a, b) => (id(a.metadata.namespace, a.metadata.name) < id(b.metadata.namespace, b.metadata.name) ? -1 : 1));
  }

  findByUid(uid: string): { key: string; object: KObject } | undefined {
    for (const [key, bucket] of this.#objects) for (const o of bucket.values()) if (o.metadata.uid === uid) return { key, object: o };
    return undefined;
  }

  /** Every stored object of every resource (frozen). */
  *everything(): Iterable<{ key: string; object: KObject }> {
    for (const [key, bucket] of this.#objects) for (const object of bucket.values()) yield { key, object };
  }

  #commit(type: ChangeType, key: string, object: KObject, old?: KObject): KObject {
    const rv = ++this.#rv;
    const stored = deepFreeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } }) as KObject;
    const bucket = this.#bucket(key);
    if (type === 'DELETED') bucket.delete(id(stored.metadata.namespace, stored.metadata.name));
    else bucket.set(id(stored.metadata.namespace, stored.metadata.name), stored);
    const change: Change = { type, key, rv, object: stored, old };
    const h = this.#historyOf(key);
    h.events.push(change);
    while (h.events.length > this.historySize) h.compactedRV = h.events.shift()!.rv;
    for (const w of this.#watchers) if (w.key === key) deliver(w, change);
    this.#pending.push(change);
    this.#drain();
    return structuredClone(stored);
  }

  /** Listeners run in commit order, never re-entrantly. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#pending.length) {
        const c = this.#pending.shift()!;
        for (const l of this.#listeners) {
          try { l(c); } catch (error) { console.error('test cluster listener failed:', error); }
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  add(key: string, object: KObject): KObject {
    if (this.peek(key, object.metadata.namespace, object.metadata.name)) throw new Error(`${key} ${object.metadata.name} exists`);
    return this.#commit('ADDED', key, structuredClone(object));
  }

  replace(key: string, object: KObject): KObject {
    const old = this.peek(key, object.metadata.namespace, object.metadata.name);
    if (!old) throw new Error(`${key} ${object.metadata.name} does not exist`);
    return this.#commit('MODIFIED', key, structuredClone(object), old);
  }

  /** Removes an object; `final` is its last state as the DELETED event shows it (default: as stored). */
  remove(key: string, ns: string | undefined, name: string, final?: KObject): KObject | undefined {
    const old = this.peek(key, ns, name);
    if (!old) return undefined;
    return this.#commit('DELETED', key, final ? structuredClone(final) : old, old);
  }

  subscribe(listener: (c: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts a watch. Without `sinceRV` (or with 0) the watcher first gets an
   * ADDED event for every current object; with an RV, every change after it
   * from history — or `expired` when that history has been compacted.
   */
  watch(w: Watcher, sinceRV: number | undefined): { expired: true; oldest: number } | { expired: false; stop: () => void } {
    const h = this.#historyOf(w.key);
    if (sinceRV !== undefined && sinceRV !== 0) {
      if (sinceRV < h.compactedRV) return { expired: true, oldest: h.compactedRV + 1 };
      for (const c of h.events) if (c.rv > sinceRV) deliver(w, c);
    } else {
      for (const o of this.peekAll(w.key, w.namespace)) if (w.matches(o)) w.send('ADDED', o);
    }
    this.#watchers.add(w);
    return { expired: false, stop: () => this.#watchers.delete(w) };
  }

  /** Forgets all watch history, as an etcd compaction would: older resourceVersions become too old. */
  expireHistory(): void {
    this.#floor = this.#rv;
    for (const key of new Set([...this.#history.keys(), ...this.#objects.keys()])) {
      const h = this.#historyOf(key);
      h.events = [];
      h.compactedRV = this.#rv;
    }
  }

  get watcherCount(): number { return this.#watchers.size; }
}

/** Sends a change to one watcher, turning selector transitions into ADDED/DELETED as the watch cache does. */
function deliver(w: Watcher, c: Change): void {
  if (w.namespace !== undefined && nsOf(c.object) !== w.namespace) return;
  const now = w.matches(c.object);
  if (c.type !== 'MODIFIED') {
    if (now) w.send(c.type, c.object);
    return;
  }
  const before = c.old ? w.matches(c.old) : false;
  if (now) w.send(before ? 'MODIFIED' : 'ADDED', c.object);
  else if (before) w.send('DELETED', c.object);
}
