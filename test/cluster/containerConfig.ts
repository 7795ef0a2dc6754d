/** Turns a pod's container into a Docker container config, as the kubelet's runtime manager does. */
import path from 'node:path';
import type { ImageInfo } from './docker.js';
import { canonicalAmount, parseQuantity } from './quantity.js';
import type { KObject, Obj } from './store.js';

/** A reason the container cannot be created yet (CreateContainerConfigError). */
export class ConfigError extends Error {}

export interface ContainerContext {
  readonly pod: KObject;
  readonly container: Obj;
  readonly image: ImageInfo;
  readonly lookup: (kind: 'secrets' | 'configmaps', name: string) => KObject | undefined;
  /** Host directory backing a volume (for secret/configMap/emptyDir/PVC). */
  readonly volumeHostPath: (volume: Obj) => string;
  /** What each subPath mount binds, by mount path, as prepareSubPaths resolved it. */
  readonly subPaths: ReadonlyMap<string, string>;
  readonly terminationLogPath: string;
  readonly labels: Record<string, string>;
  readonly nodeAllocatable: { cpu: number; memory: number };
}

function dataOf(obj: KObject, kind: 'secrets' | 'configmaps'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) out[k] = kind === 'secrets' ? Buffer.from(v, 'base64').toString() : v;
  if (kind === 'configmaps') for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString();
  return out;
}

const KIND_NAME = { secrets: 'Secret', configmaps: 'ConfigMap' } as const;
const LOWER_NAME = { secrets: 'secret', configmaps: 'configmap' } as const;

function keyRef(ctx: ContainerContext, kind: 'secrets' | 'configmaps', ref: Obj): string | undefined {
  const obj = ctx.lookup(kind, ref.name ?? '');
  const ns = ctx.pod.metadata.namespace;
  if (!obj) {
    if (ref.optional) return undefined;
    throw new ConfigError(`${LOWER_NAME[kind]} ${JSON.stringify(ref.name ?? '')} not found`);
  }
  const data = dataOf(obj, kind);
  if (!Object.hasOwn(data, ref.key)) {
    if (ref.optional) return undefined;
    throw new ConfigError(`couldn't find key ${ref.key} in ${KIND_NAME[kind]} ${ns}/${ref.name}`);
  }
  return data[ref.key];
}

function fieldRef(pod: KObject, fieldPath: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]!] ?? '';
  const simple: Record<string, unknown> = {
    'metadata.name': pod.metadata.name, 'metadata.namespace': pod.metadata.namespace, 'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName, 'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.hostIP': pod.status?.hostIP, 'status.podIP': pod.status?.podIP, 'status.podIPs': pod.status?.podIP, 'status.hostIPs': pod.status?.hostIP,
  };
  return String(simple[fieldPath] ?? '');
}

function resourceFieldRef(ctx: ContainerContext, ref: Obj): string {
  const c = ref.containerName ? ctx.pod.spec.containers.find((x: Obj) => x.name === ref.containerName) ?? ctx.container : ctx.container;
  const [which, resource] = String(ref.resource).split('.') as [string, string];
  let value = parseQuantity(c.resources?.[which]?.[resource]);
  if (value === undefined && which === 'limits') value = resource === 'cpu' ? ctx.nodeAllocatable.cpu / 1000 : ctx.nodeAllocatable.memory;
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  return String(Math.ceil((value ?? 0) / divisor - 1e-9));
}

/** `$(VAR)` expansion as in command, args and env values (`$$` escapes). */
export function expand(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && env.has(name) ? env.get(name)! : whole;
  });
}

export function resolveEnv(ctx: ContainerContext): Map<string, string> {
  const env = new Map<string, string>([
    ['KUBERNETES_SERVICE_HOST', '10.96.0.1'], ['KUBERNETES_SERVICE_PORT', '443'], ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', 'tcp://10.96.0.1:443'], ['KUBERNETES_PORT_443_TCP', 'tcp://10.96.0.1:443'], ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
    ['KUBERNETES_PORT_443_TCP_PORT', '443'], ['KUBERNETES_PORT_443_TCP_ADDR', '10.96.0.1'],
  ]);
  for (const from of (ctx.container.envFrom ?? []) as Obj[]) {
    const kind = from.secretRef ? 'secrets' : 'configmaps';
    const ref = from.secretRef ?? from.configMapRef;
    const obj = ctx.lookup(kind, ref.name ?? '');
    if (!obj) {
      if (ref.optional) continue;
      throw new ConfigError(`${LOWER_NAME[kind]} ${JSON.stringify(ref.name ?? '')} not found`);
    }
    for (const [k, v] of Object.entries(dataOf(obj, kind))) {
      const name = `${from.prefix ?? ''}${k}`;
      if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) env.set(name, v);
    }
  }
  for (const e of (ctx.container.env ?? []) as Obj[]) {
    let value: string | undefined;
    if (e.valueFrom?.secretKeyRef) value = keyRef(ctx, 'secrets', e.valueFrom.secretKeyRef);
    else if (e.valueFrom?.configMapKeyRef) value = keyRef(ctx, 'configmaps', e.valueFrom.configMapKeyRef);
    else if (e.valueFrom?.fieldRef) value = fieldRef(ctx.pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.resourceFieldRef) value = resourceFieldRef(ctx, e.valueFrom.resourceFieldRef);
    else value = expand(e.value ?? '', env);
    if (value !== undefined) env.set(e.name, value);
  }
  return env;
}

function userOf(ctx: ContainerContext): { user?: string; groups: string[] } {
  const pod = ctx.pod.spec.securityContext ?? {};
  const c = ctx.container.securityContext ?? {};
  const uid: number | undefined = c.runAsUser ?? pod.runAsUser;
  const gid: number | undefined = c.runAsGroup ?? pod.runAsGroup;
  const nonRoot: boolean | undefined = c.runAsNonRoot ?? pod.runAsNonRoot;
  const who = `(pod: "${ctx.pod.metadata.name}_${ctx.pod.metadata.namespace}(${ctx.pod.metadata.uid})", container: ${ctx.container.name})`;
  const imageUser = ctx.image.Config.User ?? '';
  if (nonRoot) {
    if (uid === 0) throw new ConfigError(`container's runAsUser breaks non-root policy ${who}`);
    if (uid === undefined) {
      const u = imageUser.split(':')[0]!;
      if (u === '' || u === 'root' || u === '0') throw new ConfigError(`container has runAsNonRoot and image will run as root ${who}`);
      if (!/^[0-9]+$/.test(u)) throw new ConfigError(`container has runAsNonRoot and image has non-numeric user (${u}), cannot verify user is non-root ${who}`);
    }
  }
  const groups = [...(pod.supplementalGroups ?? []), ...(pod.fsGroup !== undefined ? [pod.fsGroup] : [])].map(String);
  let user: string | undefined;
  if (uid !== undefined) user = gid !== undefined ? `${uid}:${gid}` : String(uid);
  else if (gid !== undefined) user = `${imageUser.split(':')[0] || '0'}:${gid}`;
  return { user, groups };
}

/**
 * Bind mounts as the CRI passes them: structured, so a path with `:` or `,`
 * (a suite input named `A:Gln2Cys`, mounted by itself) is just a path.
 */
function mounts(ctx: ContainerContext): Obj[] {
  const out: Obj[] = [];
  const volumes = new Map<string, Obj>(((ctx.pod.spec.volumes ?? []) as Obj[]).map((v) => [v.name, v]));
  for (const m of (ctx.container.volumeMounts ?? []) as Obj[]) {
    const v = volumes.get(m.name)!;
    const source = m.subPath ? ctx.subPaths.get(m.mountPath)! : ctx.volumeHostPath(v);
    const ro = Boolean(m.readOnly || v.secret || v.configMap || v.persistentVolumeClaim?.readOnly);
    out.push({ Type: 'bind', Source: source, Target: m.mountPath, ReadOnly: ro });
  }
  out.push({ Type: 'bind', Source: ctx.terminationLogPath, Target: ctx.container.terminationMessagePath ?? '/dev/termination-log', ReadOnly: false });
  return out;
}

/** The body of POST /containers/create for one container of the pod. */
export function containerCreateBody(ctx: ContainerContext): Obj {
  const c = ctx.container;
  const env = resolveEnv(ctx);
  const { user, groups } = userOf(ctx);
  const x = (list: unknown): string[] | undefined => (Array.isArray(list) ? list.map((s) => expand(String(s), env)) : undefined);
  const command = x(c.command), args = x(c.args);
  const limits = c.resources?.limits ?? {}, requests = c.resources?.requests ?? {};
  const hostConfig: Obj = { NetworkMode: 'none', Mounts: mounts(ctx), GroupAdd: groups.length ? groups : undefined };
  const mem = parseQuantity(limits.memory);
  if (mem !== undefined) { hostConfig.Memory = canonicalAmount('memory', mem); hostConfig.MemorySwap = hostConfig.Memory; }
  const cpu = parseQuantity(limits.cpu);
  if (cpu !== undefined) hostConfig.NanoCpus = canonicalAmount('cpu', cpu) * 1e6;
  const reqCpu = parseQuantity(requests.cpu);
  if (reqCpu !== undefined) hostConfig.CpuShares = Math.max(2, Math.floor((canonicalAmount('cpu', reqCpu) * 1024) / 1000));
  const sc = c.securityContext ?? {};
  if (sc.privileged) hostConfig.Privileged = true;
  if (sc.readOnlyRootFilesystem) hostConfig.ReadonlyRootfs = true;
  if (sc.capabilities?.add) hostConfig.CapAdd = sc.capabilities.add;
  if (sc.capabilities?.drop) hostConfig.CapDrop = sc.capabilities.drop;
  return {
    Image: c.image,
    Entrypoint: command ?? null,
    Cmd: command ? (args ?? []) : (args ?? null),
    Env: [...env].map(([k, v]) => `${k}=${v}`),
    WorkingDir: c.workingDir ?? '',
    User: user ?? '',
    Hostname: (ctx.pod.spec.hostname ?? ctx.pod.metadata.name).slice(0, 63).replace(/[.-]+$/, ''),
    Labels: ctx.labels,
    Tty: false, OpenStdin: false, AttachStdout: false, AttachStderr: false,
    HostConfig: hostConfig,
  };
}
