/** Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns kubectl shows for pods, jobs and PVCs. */
import type { ResourceDef } from './resources.js';
import type { KObject, Obj } from './store.js';

/** kubectl's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '<invalid>';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  return `${d}d`;
}

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const age = (o: KObject): string => humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp));

function podStatus(p: KObject): string {
  let reason: string = p.status?.reason ?? p.status?.phase ?? 'Pending';
  const inits = (p.status?.initContainerStatuses ?? []) as Obj[];
  const initPending = inits.findIndex((c) => c.state?.terminated?.exitCode !== 0);
  if (initPending >= 0) {
    const c = inits[initPending]!;
    reason = c.state?.terminated ? `Init:${c.state.terminated.reason || `ExitCode:${c.state.terminated.exitCode}`}`
      : c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing' ? `Init:${c.state.waiting.reason}` : `Init:${initPending}/${inits.length}`;
  } else {
    for (const c of [...((p.status?.containerStatuses ?? []) as Obj[])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = `ExitCode:${c.state.terminated.exitCode}`;
    }
  }
  return p.metadata.deletionTimestamp ? 'Terminating' : reason;
}

function columns(def: ResourceDef): [string[], (o: KObject) => unknown[]] {
  switch (def.plural) {
    case 'pods': return [['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node'], (p) => {
      const cs = (p.status?.containerStatuses ?? []) as Obj[];
      return [p.metadata.name, `${cs.filter((c) => c.ready).length}/${(p.spec?.containers ?? []).length}`, podStatus(p),
        String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)), age(p), p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>'];
    }];
    case 'jobs': return [['Name', 'Status', 'Completions', 'Age'], (j) => {
      const conds = ((j.status?.conditions ?? []) as Obj[]).filter((c) => c.status === 'True').map((c) => c.type);
      const status = conds.includes('Complete') ? 'Complete' : conds.includes('Failed') ? 'Failed' : 'Running';
      return [j.metadata.name, status, `${j.status?.succeeded ?? 0}/${j.spec?.completions ?? 1}`, age(j)];
    }];
    case 'persistentvolumeclaims': return [['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'Age'], (c) =>
      [c.metadata.name, c.status?.phase ?? '', c.spec?.volumeName ?? '', c.status?.capacity?.storage ?? '', (c.spec?.accessModes ?? []).map((m: string) => ACCESS_MODES[m] ?? m).join(','), c.spec?.storageClassName ?? '', age(c)]];
    case 'namespaces': return [['Name', 'Status', 'Age'], (n) => [n.metadata.name, n.status?.phase ?? '', age(n)]];
    case 'events': return [['Last Seen', 'Type', 'Reason', 'Object', 'Message'], (e) =>
      [humanDuration(Date.now() - Date.parse(e.lastTimestamp ?? e.metadata.creationTimestamp)), e.type, e.reason, `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}`, e.message]];
    default: return [['Name', 'Age'], (o) => [o.metadata.name, age(o)]];
  }
}

/** Whether the Accept header asks for a Table. */
export const wantsTable = (accept: string | undefined): boolean => /as=Table/.test(accept ?? '');

export function toTable(def: ResourceDef, items: KObject[], resourceVersion: string): unknown {
  const [names, cells] = columns(def);
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion },
    columnDefinitions: names.map((name, i) => ({ name, type: 'string', format: i === 0 ? 'name' : '', description: name, priority: def.plural === 'pods' && i >= 5 ? 1 : 0 })),
    rows: items.map((o) => ({ cells: cells(o), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}
