import path from 'node:path';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { hostWriteDirs, type CommandLineJob } from '../../job/commandLineJob.js';
import type { StagingEntry } from '../../job/staging.js';
import { within } from '../../job/pathMapping.js';
import { UnsupportedRequirementError, ValidationError } from '../../errors.js';
import { containerPathProblem } from '../docker/containerPaths.js';
import type { VolumeMap } from './storage.js';

/**
 * Above this many mounts a pod mounts the run's own directory on a claim
 * read-only instead of each input in it (the platform's complaint about
 * Calrissian: a wide fan-in made huge pod specs).
 */
export const MAX_POD_MOUNTS = 128;

/** What a step pod's mounts are planned from: the claims, and the directories the run made for itself on them. */
export interface PodStorage {
  readonly volumes: VolumeMap;
  /** The run's own directory on each claim it makes job directories on; its job directories are inside. */
  readonly runDirectories: readonly string[];
  readonly maxMounts?: number;
}

export interface PodMounts {
  /** One volume per claim, however many mounts it has. */
  readonly volumes: readonly V1Volume[];
  readonly mounts: readonly V1VolumeMount[];
  /** Set when the bound was passed: how many mounts there were, and the run directories mounted instead. */
  readonly widened?: { readonly mounts: number; readonly directories: readonly string[] };
}

/** A path the pod needs, at the same absolute path the engine sees it. */
interface Wanted {
  readonly path: string;
  readonly readOnly: boolean;
}

/**
 * The only paths of the claims a step pod sees: its output directory and
 * tmpdir read-write, its staging directory and each staged input read-only
 * (a writable one only for an in-place update), each as a subPath of its
 * claim's one volume. Nothing else on the claims, so a step can neither read
 * nor overwrite another step's or another run's files.
 */
export function podMounts(job: CommandLineJob, storage: PodStorage): PodMounts {
  const own: Wanted[] = [
    ...hostWriteDirs(job.dirs).map((p) => ({ path: p, readOnly: false })),
    // Links and literals the engine staged; the tool only reads them.
    ...(job.staging.length > 0 ? [{ path: job.dirs.hostStageDir, readOnly: true }] : []),
  ];
  const wanted = deduplicated([...own, ...inputSources(job, storage.runDirectories)], storage.volumes);
  const bound = storage.maxMounts ?? MAX_POD_MOUNTS;
  if (wanted.length > bound) {
    const wider = widenedToRunDirectories(wanted, storage);
    if (wider.directories.length > 0) {
      return withChosenOutdir({ ...asVolumes(wider.wanted, storage.volumes), widened: { mounts: wanted.length, directories: wider.directories } }, job, storage.volumes);
    }
  }
  return withChosenOutdir(asVolumes(wanted, storage.volumes), job, storage.volumes);
}

/**
 * DockerRequirement's dockerOutputDirectory (runtime.outdir, when it is not
 * the engine's own path): the job's output directory mounted there too, the
 * same subPath of its claim, so the tool writes where it chose and the
 * engine collects from its own path. It may neither hide nor lie inside
 * the engine's paths (its claims, the pod's other mounts, the pod's /tmp).
 */
function withChosenOutdir(planned: PodMounts, job: CommandLineJob, volumes: VolumeMap): PodMounts {
  const hostOutdir = path.resolve(job.dirs.hostOutdir);
  if (job.runtime.outdir === job.dirs.hostOutdir) return planned;
  const chosen = `${job.name}: DockerRequirement dockerOutputDirectory '${job.runtime.outdir}'`;
  const problem = containerPathProblem(job.runtime.outdir);
  if (problem) throw new ValidationError(`${chosen} ${problem}`);
  const at = path.posix.resolve(job.runtime.outdir);
  const taken = [...volumes.mounts.map((m) => m.mountPath), ...planned.mounts.map((m) => m.mountPath), ...(job.dirs.podTmpdir !== undefined ? [job.dirs.podTmpdir] : [])];
  const clash = taken.find((p) => within(p, at) || within(at, p));
  if (clash !== undefined) {
    const how = clash === at ? 'is' : within(clash, at) ? 'contains' : 'is inside';
    throw new UnsupportedRequirementError(`${chosen} cannot be mounted in a step pod: it ${how} ${clash}, where the pod sees the engine's own files`);
  }
  const claim = volumes.find(hostOutdir)!;
  const volume = planned.volumes.find((v) => v.persistentVolumeClaim?.claimName === claim.claim)!;
  const subPath = path.relative(claim.mountPath, hostOutdir);
  return { ...planned, mounts: [...planned.mounts, { name: volume.name, mountPath: at, ...(subPath !== '' ? { subPath } : {}), readOnly: false }] };
}

/**
 * The sources of staged links (copies, literals and directories are made by
 * the engine in the job's own directories). A File and its secondaryFiles
 * (staged together into one `stgN` directory) share their directory's mount
 * when it lies inside one job directory of this run: it then holds only
 * that job's outputs. Elsewhere (the input claim, say) each is mounted alone.
 */
function inputSources(job: CommandLineJob, runDirectories: readonly string[]): Wanted[] {
  type Link = Extract<StagingEntry, { kind: 'link' }>;
  const groups = new Map<string, Link[]>();
  const out: Wanted[] = [];
  for (const e of job.staging) {
    if (e.kind !== 'link') continue;
    const stagedTogether = path.dirname(path.dirname(e.target)) === job.dirs.hostStageDir;
    if (!stagedTogether) {
      out.push({ path: e.source, readOnly: !e.writable });
      continue;
    }
    const key = `${path.dirname(e.target)}\u0000${path.dirname(e.source)}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const links of groups.values()) {
    const dir = path.dirname(links[0]!.source);
    const inOneJob = runDirectories.some((r) => dir.startsWith(r + '/'));
    if (links.length > 1 && inOneJob) out.push({ path: dir, readOnly: links.every((e) => !e.writable) });
    else out.push(...links.map((e) => ({ path: e.source, readOnly: !e.writable })));
  }
  return out;
}

/**
 * One mount per path (read-write if any asked so), none for a path inside
 * another mount of the same claim that already gives it (a read-write one,
 * or a read-only one to a read-only path), none for a path on no claim.
 * Sorted, so that a directory comes before what is mounted inside it.
 */
function deduplicated(wanted: readonly Wanted[], volumes: VolumeMap): Wanted[] {
  const byPath = new Map<string, boolean>();
  for (const w of wanted) {
    const p = path.resolve(w.path);
    if (!volumes.find(p)) continue;
    byPath.set(p, (byPath.get(p) ?? true) && w.readOnly);
  }
  const kept = new Map<string, boolean>();
  for (const p of [...byPath.keys()].sort()) {
    const readOnly = byPath.get(p)!;
    const claim = volumes.find(p)!.claim;
    let covered = false;
    for (let a = path.dirname(p); !covered && a !== path.dirname(a); a = path.dirname(a)) {
      const ancestorReadOnly = kept.get(a);
      covered = ancestorReadOnly !== undefined && (!ancestorReadOnly || readOnly) && volumes.find(a)?.claim === claim;
    }
    if (!covered) kept.set(p, readOnly);
  }
  return [...kept].map(([p, readOnly]) => ({ path: p, readOnly }));
}

/**
 * Past the bound: every read-only path inside one of the run's own
 * directories gives way to that directory, read-only (what the run's other
 * jobs made, never another run's or the claim's root). Read-write ones (the
 * job's own directories) stay, mounted inside it.
 */
function widenedToRunDirectories(wanted: readonly Wanted[], storage: PodStorage): { wanted: Wanted[]; directories: string[] } {
  const runs = storage.runDirectories.map((r) => path.resolve(r)).filter((r) => {
    const claim = storage.volumes.find(r);
    return claim !== undefined && claim.mountPath !== r;
  });
  const used = new Set<string>();
  const widened = wanted.map((w) => {
    const run = w.readOnly ? runs.find((r) => w.path === r || w.path.startsWith(r + '/')) : undefined;
    if (run === undefined) return w;
    used.add(run);
    return { path: run, readOnly: true };
  });
  return { wanted: deduplicated(widened, storage.volumes), directories: [...used] };
}

/** One volume per claim; each path a subPath of its claim's volume, mounted where the engine has it. */
function asVolumes(wanted: readonly Wanted[], volumes: VolumeMap): PodMounts {
  const names = new Map<string, string>();
  const writable = new Set<string>();
  const mounts: V1VolumeMount[] = wanted.map((w) => {
    const v = volumes.find(w.path)!;
    const name = names.get(v.claim) ?? `vol-${names.size}`;
    names.set(v.claim, name);
    const readOnly = w.readOnly || v.readOnly;
    if (!readOnly) writable.add(v.claim);
    const subPath = path.relative(v.mountPath, w.path);
    return { name, mountPath: w.path, ...(subPath !== '' ? { subPath } : {}), readOnly };
  });
  const podVolumes: V1Volume[] = [...names].map(([claim, name]) => ({
    name, persistentVolumeClaim: { claimName: claim, readOnly: !writable.has(claim) },
  }));
  return { volumes: podVolumes, mounts };
}
