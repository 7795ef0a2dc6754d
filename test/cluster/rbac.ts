/** RBAC authorization from the repository's Role/RoleBinding manifests (plus ClusterRole/ClusterRoleBinding when present). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import type { UserInfo } from './auth.js';
import { isAdmin } from './auth.js';
import type { RequestInfo } from './requestInfo.js';

interface PolicyRule { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] }
interface Role { kind: string; name: string; namespace?: string; rules: PolicyRule[] }
interface Subject { kind: string; name: string; namespace?: string }
interface Binding { kind: string; name: string; namespace?: string; roleRef: { kind: string; name: string }; subjects: Subject[] }

/** Paths any authenticated user may GET (system:discovery, system:public-info-viewer). */
const PUBLIC = [/^\/api\/?$/, /^\/api\/v1\/?$/, /^\/apis\/?$/, /^\/apis\/[^/]+\/?$/, /^\/apis\/[^/]+\/[^/]+\/?$/, /^\/version\/?$/, /^\/healthz/, /^\/livez/, /^\/readyz/, /^\/openapi\//];

export class Authorizer {
  readonly roles: Role[] = [];
  readonly bindings: Binding[] = [];
  readonly serviceAccounts: string[] = [];

  /** Reads every YAML document in `dir`; namespaced objects without a namespace belong to `namespace`. */
  static load(dir: string, namespace: string): Authorizer {
    const a = new Authorizer();
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      for (const doc of loadAll(readFileSync(path.join(dir, file), 'utf8')) as Record<string, any>[]) {
        if (!doc || typeof doc !== 'object') continue;
        const meta = doc.metadata ?? {};
        switch (doc.kind) {
          case 'Role': a.roles.push({ kind: 'Role', name: meta.name, namespace: meta.namespace ?? namespace, rules: doc.rules ?? [] }); break;
          case 'ClusterRole': a.roles.push({ kind: 'ClusterRole', name: meta.name, rules: doc.rules ?? [] }); break;
          case 'RoleBinding': a.bindings.push({ kind: 'RoleBinding', name: meta.name, namespace: meta.namespace ?? namespace, roleRef: doc.roleRef, subjects: doc.subjects ?? [] }); break;
          case 'ClusterRoleBinding': a.bindings.push({ kind: 'ClusterRoleBinding', name: meta.name, roleRef: doc.roleRef, subjects: doc.subjects ?? [] }); break;
          case 'ServiceAccount': a.serviceAccounts.push(meta.name); break;
        }
      }
    }
    return a;
  }

  #subjectMatches(s: Subject, b: Binding, user: UserInfo): boolean {
    switch (s.kind) {
      case 'User': return s.name === user.name;
      case 'Group': return user.groups.includes(s.name);
      case 'ServiceAccount': return user.name === `system:serviceaccount:${s.namespace ?? b.namespace}:${s.name}`;
      default: return false;
    }
  }

  #ruleAllows(r: PolicyRule, info: RequestInfo): boolean {
    const has = (list: string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));
    if (!has(r.verbs, info.verb)) return false;
    if (!info.isResourceRequest) return !!r.nonResourceURLs?.some((u) => u === info.path || u === '*' || (u.endsWith('*') && info.path.startsWith(u.slice(0, -1))));
    if (!has(r.apiGroups, info.apiGroup)) return false;
    const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource!;
    const resources = r.resources ?? [];
    if (!(resources.includes('*') || resources.includes(res) || (info.subresource && resources.includes(`*/${info.subresource}`)))) return false;
    return !r.resourceNames?.length || (!!info.name && r.resourceNames.includes(info.name));
  }

  allows(user: UserInfo, info: RequestInfo): boolean {
    if (isAdmin(user)) return true;
    if (!info.isResourceRequest && (info.verb === 'get' || info.verb === 'head') && PUBLIC.some((p) => p.test(info.path))) return true;
    for (const b of this.bindings) {
      if (!b.subjects.some((s) => this.#subjectMatches(s, b, user))) continue;
      if (b.kind === 'RoleBinding' && (!info.isResourceRequest || info.namespace !== b.namespace)) continue;
      const role = this.roles.find((r) => r.kind === b.roleRef.kind && r.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.namespace === b.namespace));
      if (role?.rules.some((r) => this.#ruleAllows(r, info))) return true;
    }
    return false;
  }

  /** The reason in a Forbidden Status, worded as the RBAC authorizer does. */
  static reason(user: UserInfo, info: RequestInfo): string {
    if (!info.isResourceRequest) return `User ${JSON.stringify(user.name)} cannot ${info.verb} path ${JSON.stringify(info.path)}`;
    const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    const scope = info.namespace ? `in the namespace ${JSON.stringify(info.namespace)}` : 'at the cluster scope';
    return `User ${JSON.stringify(user.name)} cannot ${info.verb} resource ${JSON.stringify(res)} in API group ${JSON.stringify(info.apiGroup)} ${scope}`;
  }
}
