/** PATCH bodies: JSON merge patch (RFC 7386), strategic merge patch (lists merged by key), JSON patch (RFC 6902). */
import { ApiError } from './status.js';
import type { Obj } from './store.js';

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Obj = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Merge keys of the lists bespin's objects have (from the Kubernetes OpenAPI x-kubernetes-patch-merge-key). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath',
  ports: 'containerPort', ownerReferences: 'uid', conditions: 'type', imagePullSecrets: 'name', tolerations: 'key',
  containerStatuses: 'name', initContainerStatuses: 'name', hostAliases: 'ip', topologySpreadConstraints: 'topologyKey',
};
const SET_LISTS = new Set(['finalizers']);

function strategicList(field: string, target: unknown, patch: unknown[]): unknown[] {
  const key = MERGE_KEYS[field];
  if (SET_LISTS.has(field) && Array.isArray(target)) {
    return [...target, ...patch.filter((v) => !target.includes(v))];
  }
  if (!key || !Array.isArray(target) || !patch.every(isObject)) {
    return patch.filter((v) => !(isObject(v) && v.$patch === 'replace')).map((v) => structuredClone(v));
  }
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return patch.filter((p) => (p as Obj).$patch !== 'replace').map((v) => structuredClone(v));
  const out = [...target];
  for (const p of patch as Obj[]) {
    const i = out.findIndex((t) => isObject(t) && t[key] === p[key]);
    if (p.$patch === 'delete') { if (i >= 0) out.splice(i, 1); continue; }
    if (i >= 0) out[i] = strategicMerge(out[i], p);
    else out.push(strategicMerge({}, p));
  }
  return out;
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') { const { $patch: _, ...rest } = patch; return structuredClone(rest); }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = strategicList(k, out[k], v);
    else {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw ApiError.badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer ${JSON.stringify(path)}`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, parts: string[], op: string): { parent: Obj | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw ApiError.internal(`${op} operation does not apply: doc is missing path: /${parts.join('/')}`);
  }
  return { parent: cur as Obj | unknown[], key: parts[parts.length - 1]! };
}

function getAt(doc: unknown, parts: string[]): unknown {
  let cur: unknown = doc;
  for (const p of parts) cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
  return cur;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw ApiError.badRequest('the server rejected our request due to an error in our request: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = structuredClone(doc);
  for (const op of ops as Obj[]) {
    const parts = pointer(String(op.path ?? ''));
    const apply = (value: unknown): void => {
      if (parts.length === 0) { out = structuredClone(value); return; }
      const { parent, key } = parentOf(out, parts, op.op);
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (op.op === 'replace') parent[i] = structuredClone(value);
        else parent.splice(i, 0, structuredClone(value));
      } else parent[key] = structuredClone(value);
    };
    const remove = (p: string[]): unknown => {
      const { parent, key } = parentOf(out, p, op.op);
      const existing = Array.isArray(parent) ? parent[Number(key)] : parent[key];
      if (existing === undefined) throw ApiError.internal(`remove operation does not apply: doc is missing path: /${p.join('/')}`);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return existing;
    };
    switch (op.op) {
      case 'add': apply(op.value); break;
      case 'replace':
        if (getAt(out, parts) === undefined) throw ApiError.internal(`replace operation does not apply: doc is missing key: /${parts.join('/')}`);
        apply(op.value); break;
      case 'remove': remove(parts); break;
      case 'test':
        if (JSON.stringify(getAt(out, parts)) !== JSON.stringify(op.value)) throw ApiError.internal(`testing value /${parts.join('/')} failed: test failed`);
        break;
      case 'move': { const v = remove(pointer(String(op.from))); apply(v); break; }
      case 'copy': apply(getAt(out, pointer(String(op.from)))); break;
      default: throw ApiError.badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${String(op.op)}`);
    }
  }
  return out;
}

export function applyPatch(contentType: string, target: unknown, patch: unknown): unknown {
  const type = contentType.split(';')[0]!.trim();
  switch (type) {
    case 'application/merge-patch+json': return mergePatch(target, patch);
    case 'application/strategic-merge-patch+json': return strategicMerge(target, patch);
    case 'application/json-patch+json': return jsonPatch(target, patch);
    default: throw ApiError.unsupportedMediaType(type || '(none)');
  }
}
