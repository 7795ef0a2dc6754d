/**
 * The garbage collector: deletes dependents whose owners are all gone
 * (background deletion, also for dangling references at creation), and
 * completes foreground deletion once an owner's dependents are gone.
 */
import type { Api } from './api.js';
import { findResource } from './resources.js';
import { ApiError } from './status.js';
import type { Change, KObject } from './store.js';

function defOfKey(key: string) {
  const [plural, group] = key.split('.');
  return findResource(group ?? '', plural!);
}

export class GarbageCollector {
  #unsubscribe?: () => void;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(readonly api: Api) {}

  start(): void {
    this.#unsubscribe = this.api.store.subscribe((c) => this.#onChange(c));
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const t of this.#timers) clearTimeout(t);
  }

  #ownersGone(obj: KObject): boolean {
    const refs = obj.metadata.ownerReferences ?? [];
    return refs.length > 0 && refs.every((r) => {
      const owner = this.api.store.findByUid(r.uid);
      return !owner || owner.object.metadata.name !== r.name;
    });
  }

  #deleteIfOrphaned(key: string, obj: KObject): void {
    const def = defOfKey(key);
    const current = def && this.api.peek(def, obj.metadata.namespace, obj.metadata.name);
    if (!def || !current || current.metadata.uid !== obj.metadata.uid || current.metadata.deletionTimestamp) return;
    if (!this.#ownersGone(current)) return;
    try {
      this.api.delete(def, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: 'Background' });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }

  #onChange(c: Change): void {
    const obj = c.object;
    if (c.type === 'DELETED') {
      for (const { def, object } of this.api.dependents(obj)) {
        const key = def.group ? `${def.plural}.${def.group}` : def.plural;
        this.#deleteIfOrphaned(key, object);
      }
      for (const r of obj.metadata.ownerReferences ?? []) this.#completeForeground(r.uid);
      return;
    }
    if (c.type === 'ADDED' && obj.metadata.ownerReferences?.length) {
      // Dangling references: the real collector finds them through its graph shortly after creation.
      const t = setTimeout(() => { this.#timers.delete(t); this.#deleteIfOrphaned(c.key, obj); }, 50);
      this.#timers.add(t);
    }
    if (obj.metadata.deletionTimestamp && obj.metadata.finalizers?.includes('foregroundDeletion')) {
      for (const { def, object } of this.api.dependents(obj)) {
        if (object.metadata.deletionTimestamp) continue;
        try { this.api.delete(def, object.metadata.namespace, object.metadata.name, { propagationPolicy: 'Foreground' }); } catch { /* gone */ }
      }
      this.#completeForeground(obj.metadata.uid);
    }
  }

  #completeForeground(ownerUid: string): void {
    const found = this.api.store.findByUid(ownerUid);
    if (!found) return;
    const owner = found.object;
    if (!owner.metadata.deletionTimestamp || !owner.metadata.finalizers?.includes('foregroundDeletion')) return;
    if (this.api.dependents(owner).length > 0) return;
    const def = defOfKey(found.key)!;
    this.api.mutate(def, owner.metadata.namespace, owner.metadata.name, (o) => {
      o.metadata.finalizers = o.metadata.finalizers!.filter((f) => f !== 'foregroundDeletion');
      if (!o.metadata.finalizers.length) delete o.metadata.finalizers;
    });
    this.api.tryFinalize(def, owner.metadata.namespace, owner.metadata.name);
  }
}
