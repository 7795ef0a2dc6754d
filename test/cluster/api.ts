/**
 * The REST storage semantics shared by the HTTP handlers and the controllers:
 * create/update/patch/delete with defaulting, validation, preconditions,
 * graceful deletion, finalizers and owner-reference propagation policies.
 */
import { prepareCreate, prepareMetadata, timestamp } from './defaults.js';
import { applyPatch } from './patch.js';
import { type ResourceDef, apiVersionOf, findResource, storeKey } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError, successStatus } from './status.js';
import type { KObject, Obj, Store } from './store.js';
import { decodeCheck, validate } from './validation.js';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListOptions { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string }

export interface Result { code: number; body: unknown; warnings?: string[] }

const NAMESPACES = findResource('', 'namespaces')!;
const TERMINAL = new Set(['Succeeded', 'Failed']);
const JOB_WARNING = '299 - "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"';

const sameContent = (a: KObject, b: KObject): boolean =>
  JSON.stringify({ ...a, metadata: { ...a.metadata, resourceVersion: '' } }) === JSON.stringify({ ...b, metadata: { ...b.metadata, resourceVersion: '' } });

export class Api {
  constructor(readonly store: Store) {}

  peek(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    return this.store.peek(storeKey(def), def.namespaced ? ns : undefined, name);
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KObject {
    const o = this.peek(def, ns, name);
    if (!o) throw ApiError.notFound(def, name);
    return structuredClone(o);
  }

  list(def: ResourceDef, ns: string | undefined, opts: ListOptions = {}): Obj {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, def.plural);
    let items = this.store.peekAll(storeKey(def), def.namespaced ? ns : undefined)
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o));
    const rv = String(this.store.rv);
    const metadata: Obj = { resourceVersion: rv };
    if (opts.continue) {
      let after: string;
      try { after = JSON.parse(Buffer.from(opts.continue, 'base64url').toString()).start; } catch { throw ApiError.badRequest('continue key is not valid: illegal base64 data'); }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const last = items[opts.limit - 1]!;
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
      metadata.remainingItemCount = items.length - opts.limit;
      items = items.slice(0, opts.limit);
    }
    // List items carry no kind/apiVersion on the wire.
    const out = items.map((o) => { const { kind: _k, apiVersion: _a, ...rest } = structuredClone(o); return rest; });
    return { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata, items: out };
  }

  #checkBody(def: ResourceDef, ns: string | undefined, body: unknown): Obj {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw ApiError.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    const b = body as Obj;
    if (b.apiVersion !== undefined && b.apiVersion !== apiVersionOf(def)) throw ApiError.badRequest(`the API version in the data (${b.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`);
    if (b.kind !== undefined && b.kind !== def.kind) throw ApiError.badRequest(`the kind in the data (${b.kind}) does not match the expected kind (${def.kind})`);
    decodeCheck(def, b);
    if (def.namespaced && b.metadata?.namespace && b.metadata.namespace !== ns) throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    return b;
  }

  create(def: ResourceDef, ns: string | undefined, body: unknown, dryRun = false): KObject {
    const obj = structuredClone(this.#checkBody(def, ns, body)) as KObject;
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    prepareMetadata(obj, def.namespaced ? ns : undefined);
    prepareCreate(def, obj);
    validate(def, obj);
    if (def.namespaced) {
      const nsObj = this.peek(NAMESPACES, undefined, ns!);
      if (!nsObj) throw ApiError.notFound(NAMESPACES, ns!);
      if (nsObj.metadata.deletionTimestamp) throw ApiError.forbidden(def, obj.metadata.name, `unable to create new content in namespace ${ns} because it is being terminated`);
    }
    if (this.peek(def, ns, obj.metadata.name)) throw ApiError.alreadyExists(def, obj.metadata.name);
    if (dryRun) return obj;
    return this.store.add(storeKey(def), obj);
  }

  /** PUT (subresource "status" replaces only the status). */
  update(def: ResourceDef, ns: string | undefined, name: string, body: unknown, subresource?: string, dryRun = false): KObject {
    const old = this.peek(def, ns, name);
    if (!old) throw ApiError.notFound(def, name);
    const b = structuredClone(this.#checkBody(def, ns, body)) as KObject;
    if (b.metadata?.name !== undefined && b.metadata.name !== name) throw ApiError.badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${name})`);
    const rv = b.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw ApiError.conflict(def, name);
    let next: KObject;
    if (subresource === 'status') {
      next = { ...structuredClone(old), status: b.status };
    } else {
      const m = b.metadata ?? {};
      next = { ...b, apiVersion: old.apiVersion, kind: old.kind, metadata: {
        ...m, name, namespace: old.metadata.namespace, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp,
        resourceVersion: old.metadata.resourceVersion, generation: old.metadata.generation,
        deletionTimestamp: old.metadata.deletionTimestamp, deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds,
      } } as KObject;
      for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) if (next.metadata[k] === undefined) delete next.metadata[k];
      if (def.hasStatus) next.status = structuredClone(old.status);
      if (def.plural === 'secrets' && next.stringData) prepareCreate(def, next);
      if (JSON.stringify(old.spec) !== JSON.stringify(next.spec)) next.metadata.generation = (old.metadata.generation ?? 1) + 1;
      validate(def, next, old);
    }
    if (sameContent(old, next) || dryRun) return structuredClone(next);
    const saved = this.store.replace(storeKey(def), next);
    if (saved.metadata.deletionTimestamp) this.tryFinalize(def, ns, name);
    return saved;
  }

  patch(def: ResourceDef, ns: string | undefined, name: string, contentType: string, body: unknown, subresource?: string, dryRun = false): KObject {
    const old = this.peek(def, ns, name);
    if (!old) throw ApiError.notFound(def, name);
    const patched = applyPatch(contentType, structuredClone(old), body) as KObject;
    if (!patched || typeof patched !== 'object') throw ApiError.badRequest('the patch did not produce an object');
    return this.update(def, ns, name, patched, subresource, dryRun);
  }

  /** For controllers: change an object in place of its owner component (no validation); no-op when unchanged. */
  mutate(def: ResourceDef, ns: string | undefined, name: string, change: (o: KObject) => void): KObject | undefined {
    const old = this.peek(def, ns, name);
    if (!old) return undefined;
    const next = structuredClone(old);
    change(next);
    if (sameContent(old, next)) return structuredClone(old);
    return this.store.replace(storeKey(def), next);
  }

  /** Removes an object marked for deletion once nothing holds it (finalizers; for a bound pod, the kubelet). */
  tryFinalize(def: ResourceDef, ns: string | undefined, name: string): boolean {
    const o = this.peek(def, ns, name);
    if (!o?.metadata.deletionTimestamp || (o.metadata.finalizers?.length ?? 0) > 0) return false;
    if (def.plural === 'pods' && o.spec?.nodeName && !TERMINAL.has(o.status?.phase) && (o.metadata.deletionGracePeriodSeconds ?? 0) > 0) return false;
    this.store.remove(storeKey(def), o.metadata.namespace, name);
    return true;
  }

  delete(def: ResourceDef, ns: string | undefined, name: string, opts: DeleteOptions = {}): Result {
    const obj = this.peek(def, ns, name);
    if (!obj) throw ApiError.notFound(def, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) throw ApiError.conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw ApiError.conflict(def, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
    const warnings: string[] = [];
    let policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
    if (!policy && def.plural === 'jobs') { policy = 'Orphan'; warnings.push(JOB_WARNING); }
    policy ??= 'Background';
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) throw ApiError.invalid(def, name, [{ type: 'NotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }]);
    if (opts.dryRun) return { code: 200, body: structuredClone(obj), warnings };
    if (policy === 'Orphan') this.#orphanDependents(obj);
    if (def.plural === 'namespaces') return this.#deleteNamespace(obj);

    let grace = 0;
    if (def.plural === 'pods') {
      grace = opts.gracePeriodSeconds ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
      if (!obj.spec?.nodeName || TERMINAL.has(obj.status?.phase)) grace = 0;
    }
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    const returned = (o: KObject): unknown => (def.returnsDeletedObject ? o : successStatus(def, name, o.metadata.uid));
    // Not deleted yet: the object as it now is; 202 only when orphanDependents=false was asked (as the real handler does).
    const pendingCode = opts.orphanDependents === false ? 202 : 200;

    if (grace > 0 || finalizers.length > 0) {
      const current = obj.metadata.deletionGracePeriodSeconds;
      if (obj.metadata.deletionTimestamp && (current === undefined || grace >= current) && finalizers.length === (obj.metadata.finalizers?.length ?? 0)) {
        return { code: pendingCode, body: structuredClone(obj), warnings };
      }
      const saved = this.store.replace(storeKey(def), {
        ...structuredClone(obj),
        metadata: {
          ...structuredClone(obj.metadata), finalizers,
          deletionTimestamp: timestamp(new Date(Date.now() + grace * 1000)), deletionGracePeriodSeconds: grace,
          generation: (obj.metadata.generation ?? 1) + 1,
        },
      });
      if (grace === 0 && this.tryFinalize(def, ns, name)) return { code: 200, body: returned(saved), warnings };
      return { code: pendingCode, body: saved, warnings };
    }
    const final = structuredClone(obj);
    if (def.plural === 'pods') {
      final.metadata.deletionTimestamp ??= timestamp();
      final.metadata.deletionGracePeriodSeconds = 0;
    }
    const removed = this.store.remove(storeKey(def), obj.metadata.namespace, name, final)!;
    return { code: 200, body: returned(removed), warnings };
  }

  deleteCollection(def: ResourceDef, ns: string | undefined, list: ListOptions, opts: DeleteOptions): Result {
    const victims = (this.list(def, ns, list).items as KObject[]).map((o) => o.metadata.name);
    const items: unknown[] = [];
    const warnings = new Set<string>();
    for (const name of victims) {
      try {
        const r = this.delete(def, ns, name, opts);
        r.warnings?.forEach((w) => warnings.add(w));
        const o = (this.peek(def, ns, name) ?? r.body) as Obj;
        items.push(o.kind === 'Status' ? o : (({ kind: _k, apiVersion: _a, ...rest }) => rest)(structuredClone(o)));
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    return { code: 200, body: { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(this.store.rv) }, items }, warnings: [...warnings] };
  }

  /** Dependents of `owner` (objects whose ownerReferences name its uid). */
  dependents(owner: KObject): { def: ResourceDef; object: KObject }[] {
    const out: { def: ResourceDef; object: KObject }[] = [];
    for (const { key, object } of this.store.everything()) {
      if (!object.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)) continue;
      const def = findResourceByKey(key);
      if (def) out.push({ def, object });
    }
    return out;
  }

  #orphanDependents(owner: KObject): void {
    for (const { def, object } of this.dependents(owner)) {
      this.mutate(def, object.metadata.namespace, object.metadata.name, (o) => {
        o.metadata.ownerReferences = o.metadata.ownerReferences!.filter((r) => r.uid !== owner.metadata.uid);
        if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences;
      });
    }
  }

  #deleteNamespace(ns: KObject): Result {
    const name = ns.metadata.name;
    const terminating = this.mutate(NAMESPACES, undefined, name, (o) => {
      o.metadata.deletionTimestamp ??= timestamp();
      o.metadata.deletionGracePeriodSeconds = 0;
      o.status = { phase: 'Terminating' };
    })!;
    for (const { key, object } of [...this.store.everything()]) {
      if (object.metadata.namespace !== name) continue;
      const def = findResourceByKey(key);
      if (def && this.peek(def, name, object.metadata.name)) this.delete(def, name, object.metadata.name, { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
    }
    this.store.remove(storeKey(NAMESPACES), undefined, name);
    return { code: 200, body: terminating };
  }
}

function findResourceByKey(key: string): ResourceDef | undefined {
  const [plural, group] = key.split('.');
  return findResource(group ?? '', plural!);
}
