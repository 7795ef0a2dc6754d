/** The resources the stand-in serves, and the discovery documents that describe them. */
import type { ResourceName } from './status.js';

export interface ResourceDef extends ResourceName {
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly group: '' | 'batch';
  readonly version: 'v1';
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly subresources?: readonly string[];
  /** Whether DELETE answers with the object (true) or a Success Status. */
  readonly returnsDeletedObject?: boolean;
  /** Whether the API server ignores `status` on create/update of the main resource. */
  readonly hasStatus?: boolean;
}

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: readonly ResourceDef[] = [
  { plural: 'namespaces', singular: 'namespace', kind: 'Namespace', group: '', version: 'v1', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], returnsDeletedObject: true, hasStatus: true },
  { plural: 'nodes', singular: 'node', kind: 'Node', group: '', version: 'v1', namespaced: false, verbs: ['get', 'list', 'watch'], shortNames: ['no'], hasStatus: true },
  { plural: 'pods', singular: 'pod', kind: 'Pod', group: '', version: 'v1', namespaced: true, verbs: ALL, shortNames: ['po'], subresources: ['log', 'status'], returnsDeletedObject: true, hasStatus: true },
  { plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', group: '', version: 'v1', namespaced: true, verbs: ALL, shortNames: ['pvc'], returnsDeletedObject: true, hasStatus: true },
  { plural: 'secrets', singular: 'secret', kind: 'Secret', group: '', version: 'v1', namespaced: true, verbs: ALL },
  { plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', group: '', version: 'v1', namespaced: true, verbs: ALL, shortNames: ['cm'] },
  { plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', group: '', version: 'v1', namespaced: true, verbs: ALL, shortNames: ['sa'] },
  { plural: 'events', singular: 'event', kind: 'Event', group: '', version: 'v1', namespaced: true, verbs: ALL, shortNames: ['ev'] },
  { plural: 'jobs', singular: 'job', kind: 'Job', group: 'batch', version: 'v1', namespaced: true, verbs: ALL, subresources: ['status'], hasStatus: true },
];

export function findResource(group: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural);
}

export function resourceByKind(kind: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

/** Store key of a resource: `pods`, `jobs.batch`. */
export const storeKey = (r: ResourceName): string => (r.group ? `${r.plural}.${r.group}` : r.plural);

export const apiVersionOf = (r: ResourceDef): string => (r.group ? `${r.group}/${r.version}` : r.version);

export const KUBERNETES_VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.0', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2024-08-13T00:00:00Z', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64' };

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string): unknown {
  const gv = `${group}/v1`;
  return { name: group, versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [groupEntry('batch')] };
}

export function apiGroup(group: string): unknown | undefined {
  return group === 'batch' ? { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(group) as object) } : undefined;
}

export function apiResourceList(group: string): unknown | undefined {
  const defs = RESOURCES.filter((r) => r.group === group);
  if (!defs.length) return undefined;
  const resources: unknown[] = [];
  for (const r of defs) {
    resources.push({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames ? { shortNames: r.shortNames } : {}), storageVersionHash: '' });
    for (const sub of r.subresources ?? []) {
      resources.push({ name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: sub === 'log' ? 'Pod' : r.kind, verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}
