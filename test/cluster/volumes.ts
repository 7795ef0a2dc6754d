/** Pod volumes on the host: emptyDir and secret/configMap contents under the pod's directory, PVCs, hostPath. */
import { chmod, mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './containerConfig.js';
import type { KObject, Obj } from './store.js';

/** A volume cannot be set up yet (the kubelet's FailedMount); retried until it can. */
export class MountError extends Error {}

export interface VolumeContext {
  readonly pod: KObject;
  readonly podDir: string;
  readonly lookup: (kind: 'secrets' | 'configmaps', name: string) => KObject | undefined;
  /** Host directory of a bound claim in the pod's namespace, or undefined when there is no such claim. */
  readonly claimPath: (claim: string) => string | undefined;
}

async function makeDir(dir: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, mode);
}

async function writeProjection(dir: string, data: Record<string, string>, source: Obj): Promise<void> {
  await makeDir(dir, 0o755);
  const mode = source.defaultMode ?? 0o644;
  const items: { key: string; path: string; mode?: number }[] = source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    if (!Object.hasOwn(data, item.key)) continue;
    const file = path.join(dir, item.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data[item.key]!);
    await chmod(file, item.mode ?? mode);
  }
}

function decoded(obj: KObject, base64: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) out[k] = base64 ? Buffer.from(v, 'base64').toString('latin1') : v;
  for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('latin1');
  return out;
}

/** Sets up every volume; answers the host path of each by name. */
export async function prepareVolumes(ctx: VolumeContext): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const v of (ctx.pod.spec.volumes ?? []) as Obj[]) {
    const dir = path.join(ctx.podDir, 'volumes', v.name);
    const failed = (why: string): MountError => new MountError(`MountVolume.SetUp failed for volume ${JSON.stringify(v.name)} : ${why}`);
    if (v.persistentVolumeClaim) {
      const p = ctx.claimPath(v.persistentVolumeClaim.claimName);
      if (!p) throw failed(`persistentvolumeclaim ${JSON.stringify(v.persistentVolumeClaim.claimName)} not found`);
      paths.set(v.name, p);
    } else if (v.secret || v.configMap) {
      const kind = v.secret ? 'secrets' : 'configmaps';
      const name = v.secret ? v.secret.secretName : v.configMap.name;
      const source = v.secret ?? v.configMap;
      const obj = ctx.lookup(kind, name);
      if (!obj && !source.optional) throw failed(`${kind === 'secrets' ? 'secret' : 'configmap'} ${JSON.stringify(name)} not found`);
      await writeProjection(dir, obj ? decoded(obj, kind === 'secrets') : {}, source);
      paths.set(v.name, dir);
    } else if (v.hostPath) {
      const type = v.hostPath.type ?? '';
      if (type === 'DirectoryOrCreate') await makeDir(v.hostPath.path, 0o755);
      else if (type === 'Directory' || type === 'File') {
        const st = await stat(v.hostPath.path).catch(() => undefined);
        if (!st || (type === 'Directory' ? !st.isDirectory() : !st.isFile())) throw failed(`hostPath type check failed: ${v.hostPath.path} is not a ${type === 'Directory' ? 'directory' : 'file'}`);
      }
      paths.set(v.name, v.hostPath.path);
    } else {
      // emptyDir (and anything else, as an empty directory).
      await makeDir(dir, 0o777);
      paths.set(v.name, dir);
    }
  }
  return paths;
}

/** Whether `p` is `base` or inside it (mount.PathWithinBase). */
function within(p: string, base: string): boolean {
  return p === base || p.startsWith(base.endsWith('/') ? base : `${base}/`);
}

/**
 * The kubelet's SafeMakeDir: the missing part of a subPath is made as
 * directories with the volume's mode, and only if what exists of it
 * resolves inside the volume (never through a symlink that leaves it).
 */
async function safeMakeDir(target: string, volumePath: string): Promise<void> {
  const perm = (await stat(volumePath)).mode & 0o7777;
  let existing = target;
  const missing: string[] = [];
  while (!(await stat(existing).catch(() => undefined))) {
    missing.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  if (!within(await realpath(existing), await realpath(volumePath))) throw new Error(`${existing} is outside of allowed base ${volumePath}`);
  for (const part of missing) {
    existing = path.join(existing, part);
    await mkdir(existing, { mode: perm });
  }
}

/**
 * The host path each subPath mount binds, by mount path, prepared as the
 * kubelet does (pkg/kubelet/kubelet_pods.go makeMounts,
 * pkg/volume/util/subpath): a missing subPath is made a directory, then the
 * path is resolved, must lie inside the volume, and the resolved path is what
 * is bound (the kubelet binds an fd it opened without following symlinks;
 * here Docker binds the resolved path). Failing is a CreateContainerConfigError
 * with the kubelet's words, which never say where on the host.
 */
export async function prepareSubPaths(container: Obj, paths: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const bound = new Map<string, string>();
  for (const m of (container.volumeMounts ?? []) as Obj[]) {
    if (!m.subPath) continue;
    const volumePath = paths.get(m.name);
    if (!volumePath) continue;
    const target = path.join(volumePath, m.subPath);
    const which = `for volumeMount ${JSON.stringify(m.name)} of container ${JSON.stringify(container.name)}`;
    if (!(await stat(target).catch(() => undefined))) {
      await safeMakeDir(target, volumePath).catch(() => { throw new ConfigError(`failed to create subPath directory ${which}`); });
    }
    const resolved = await realpath(target).catch(() => undefined);
    if (resolved === undefined || !within(resolved, await realpath(volumePath))) throw new ConfigError(`failed to prepare subPath ${which}`);
    bound.set(m.mountPath, resolved);
  }
  return bound;
}
