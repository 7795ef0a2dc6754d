/** Defaulting and create-time preparation, as the API server's defaulters, strategies and admission do. */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseQuantity } from './quantity.js';
import type { ResourceDef } from './resources.js';
import type { KObject, Obj } from './store.js';

/** metav1.Time: RFC 3339 with second precision. */
export const timestamp = (date = new Date()): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
/** The five-character suffix generateName gets (k8s.io/apiserver names.SimpleNameGenerator). */
export function randomSuffix(n = 5): string {
  return [...randomBytes(n)].map((b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}

export function generateName(prefix: string): string {
  return `${prefix.slice(0, 63 - 5)}${randomSuffix()}`;
}

function imageHasTag(image: string): { tag?: string; digest: boolean } {
  if (image.includes('@')) return { digest: true };
  const last = image.split('/').pop()!;
  const i = last.lastIndexOf(':');
  return { tag: i >= 0 ? last.slice(i + 1) : undefined, digest: false };
}

function defaultContainer(c: Obj): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const { tag, digest } = imageHasTag(c.image);
    c.imagePullPolicy = !digest && (tag === undefined || tag === 'latest') ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  // Requests default to limits, per resource.
  if (c.resources.limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(c.resources.limits)) if (c.resources.requests[k] === undefined) c.resources.requests[k] = v;
  }
  for (const list of ['requests', 'limits']) {
    for (const [k, v] of Object.entries((c.resources[list] ?? {}) as Record<string, unknown>)) if (typeof v === 'number') c.resources[list][k] = String(v);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
}

export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of [...(spec.initContainers ?? []), ...(Array.isArray(spec.containers) ? spec.containers : [])]) if (c && typeof c === 'object') defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v.secret) v.secret.defaultMode ??= 420;
    if (v.configMap) v.configMap.defaultMode ??= 420;
  }
}

function qosClass(spec: Obj): string {
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    for (const r of ['cpu', 'memory']) {
      const req = c.resources?.requests?.[r], lim = c.resources?.limits?.[r];
      if (req !== undefined || lim !== undefined) any = true;
      if (lim === undefined || parseQuantity(req) !== parseQuantity(lim)) guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Fills in what every created object gets: name (from generateName), uid, timestamps, generation. */
export function prepareMetadata(obj: KObject, ns: string | undefined): void {
  const m = (obj.metadata ??= {} as KObject['metadata']);
  if (!m.name && m.generateName) m.name = generateName(m.generateName);
  if (ns !== undefined) m.namespace = ns;
  else delete m.namespace;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp();
  m.generation = 1;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete (m as Obj).selfLink;
  delete (m as Obj).managedFields;
}

/** A pod's defaults (service account, priority, the not-ready and unreachable tolerations) and its Pending status. */
function preparePod(obj: KObject): void {
  obj.spec ??= {};
  defaultPodSpec(obj.spec);
  obj.spec.serviceAccountName ??= obj.spec.serviceAccount ?? 'default';
  obj.spec.serviceAccount = obj.spec.serviceAccountName;
  obj.spec.enableServiceLinks ??= true;
  obj.spec.priority ??= 0;
  obj.spec.preemptionPolicy ??= 'PreemptLowerPriority';
  obj.spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
}

/** A job's defaults, and its selector and template labels naming the job (the job controller's pods carry them). */
function prepareJob(obj: KObject): void {
  const name = obj.metadata.name;
  const spec = (obj.spec ??= {});
  const uid = obj.metadata.uid;
  if (spec.parallelism === undefined && spec.completions === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  if (!spec.manualSelector) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  if (spec.template && typeof spec.template === 'object') {
    spec.template.metadata ??= {};
    spec.template.metadata.labels = {
      ...(spec.template.metadata.labels ?? {}),
      'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name,
    };
    spec.template.spec ??= {};
    defaultPodSpec(spec.template.spec);
    // A job without labels takes its template's.
    if (!obj.metadata.labels || !Object.keys(obj.metadata.labels).length) obj.metadata.labels = { ...spec.template.metadata.labels };
  }
  obj.status = {};
}

/** Resource-specific defaults and status on create. */
export function prepareCreate(def: ResourceDef, obj: KObject): void {
  const name = obj.metadata.name;
  switch (def.plural) {
    case 'pods':
      preparePod(obj);
      break;
    case 'jobs':
      prepareJob(obj);
      break;
    case 'persistentvolumeclaims': {
      obj.spec ??= {};
      obj.spec.volumeMode ??= 'Filesystem';
      obj.spec.storageClassName ??= 'standard';
      obj.spec.volumeName = `pvc-${obj.metadata.uid}`;
      obj.status = { phase: 'Bound', accessModes: obj.spec.accessModes, capacity: { storage: obj.spec.resources?.requests?.storage } };
      obj.metadata.annotations = { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', ...(obj.metadata.annotations ?? {}) };
      break;
    }
    case 'namespaces':
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
      break;
    case 'secrets':
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data = { ...(obj.data ?? {}) };
        for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) obj.data[k] = Buffer.from(v).toString('base64');
        delete obj.stringData;
      }
      break;
  }
}
