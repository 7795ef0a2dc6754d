import path from 'node:path';
import type { FileOrDirectory } from '../model/types.js';
import { mapFiles } from '../model/fileWalk.js';
import { pathToUri, uriToPath } from '../files/uri.js';
import type { StagingEntry } from '../job/staging.js';

/** One directory or file the process sees (`inner`) and where it is on the engine's host. */
export interface PathMapping {
  readonly host: string;
  readonly inner: string;
}

/** A bind mount for a container backend. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readonly: boolean;
}

/** A staging entry and where it is on the host: a link's source, or where staging makes anything else. */
export interface PlacedEntry {
  readonly entry: StagingEntry;
  readonly host: string;
  /**
   * Whether a container with its own paths binds it at its target; what is
   * made in the output directory is seen through that directory's mount,
   * and a process on the host sees every entry where it is.
   */
  readonly mounted: boolean;
}

/** What of a job decides its paths: its directories on both sides and its staging plan. */
export interface JobLayout {
  readonly dirs: { readonly hostOutdir: string; readonly hostTmpdir: string; readonly hostStageDir: string; readonly podTmpdir?: string };
  readonly runtime: { readonly outdir: string; readonly tmpdir: string };
  /** The staging root as the process sees it: the host staging directory, or a container's own. */
  readonly stageRoot: string;
  readonly staging: readonly StagingEntry[];
}

/** Under a container's own staging root, entries that are not links are made here, under the host staging directory. */
const MADE_ENTRIES = 'entries';

/**
 * A job's one path map (cwltool's PathMapper), built with the job: where
 * each staged entry is on the host, what a container binds, and host paths
 * ↔ the paths the process sees. The longest mapping that holds a path
 * decides, so a staged input wins over the output directory it is staged
 * into (a read-only input mounted there leaves only an empty placeholder on
 * the host). A host path mapped in and back is the path itself; a path under
 * no mapping is left as it is.
 */
export class PathMapper {
  readonly #byInner: readonly PathMapping[];
  readonly #byHost: readonly PathMapping[];

  private constructor(
    readonly mappings: readonly PathMapping[],
    /** Every staging entry, in staging order, with its place on the host. */
    readonly placed: readonly PlacedEntry[],
    /** What a container with its own paths binds: its output directory, its tmpdir, then each mounted entry in staging order. */
    readonly mounts: readonly Mount[],
  ) {
    const longestFirst = (key: keyof PathMapping) => (a: PathMapping, b: PathMapping): number => b[key].length - a[key].length;
    // Array.prototype.sort is stable: of two equally long mappings, the one listed first wins.
    this.#byInner = [...mappings].sort(longestFirst('inner'));
    this.#byHost = [...mappings].sort(longestFirst('host'));
  }

  /** The map of a job: every entry placed, every mount, and every mapping its paths need. */
  static forJob(job: JobLayout): PathMapper {
    const { dirs, runtime } = job;
    const placed = job.staging.map((entry) => place(entry, job));
    const links = job.staging.flatMap((e) => (e.kind === 'link' ? [{ host: e.source, inner: e.target }] : []));
    const made = placed.flatMap((p) => (p.entry.kind !== 'link' && p.mounted ? [{ host: p.host, inner: p.entry.target }] : []));
    const tmpdir = dirs.podTmpdir === undefined ? [{ host: dirs.hostTmpdir, inner: runtime.tmpdir }] : [];
    const mappings = [
      // What staging makes comes first: where it and a link name one target, the host side stays in the staging directory.
      ...made, ...links, { host: dirs.hostOutdir, inner: runtime.outdir }, ...tmpdir, { host: dirs.hostStageDir, inner: job.stageRoot },
    ];
    const mounts: Mount[] = [
      { source: dirs.hostOutdir, target: runtime.outdir, readonly: false },
      ...tmpdir.map((m) => ({ source: m.host, target: m.inner, readonly: false })),
      ...placed.flatMap((p) => (p.mounted ? [mountOf(p)] : [])),
    ];
    return new PathMapper(mappings, placed, mounts);
  }

  /** A host path → the path the process sees it at. */
  toInner(hostPath: string): string {
    return rebase(hostPath, this.#byHost, 'host', 'inner');
  }

  /** A path the process sees → where it is on the host. */
  toHost(innerPath: string): string {
    return rebase(innerPath, this.#byInner, 'inner', 'host');
  }

  /** A copy of `value` whose Files and Directories (nested ones too) name host paths. */
  toHostValue<T>(value: T): T {
    return mapFiles(value, (f) => {
      const p = typeof f.path === 'string' ? f.path : f.location?.startsWith('file://') ? uriToPath(f.location) : undefined;
      if (p === undefined) return { ...f };
      const host = this.toHost(p);
      return { ...f, location: pathToUri(host), path: host } as FileOrDirectory;
    });
  }
}

/**
 * Where an entry is on the host. A link is its source, mounted in a
 * container. Anything else under the output directory is made in the host
 * output directory (so outputs never point outside it); elsewhere in a
 * container it is made under the host staging directory, at
 * `entries/<its path in the container>`, and mounted; a host process sees it
 * where staging makes it, at its target.
 */
function place(entry: StagingEntry, job: JobLayout): PlacedEntry {
  const ownPaths = job.stageRoot !== job.dirs.hostStageDir;
  if (entry.kind === 'link') return { entry, host: entry.source, mounted: ownPaths };
  if (within(entry.target, job.runtime.outdir)) {
    return { entry, host: path.join(job.dirs.hostOutdir, path.posix.relative(job.runtime.outdir, entry.target)), mounted: false };
  }
  if (!ownPaths) return { entry, host: entry.target, mounted: false };
  return { entry, host: path.join(job.dirs.hostStageDir, MADE_ENTRIES, entry.target), mounted: true };
}

/** A placed entry as a container binds it: a writable link is an in-place update (InplaceUpdateRequirement), a literal read-only unless writable. */
function mountOf({ entry, host }: PlacedEntry): Mount {
  const readonly = entry.kind === 'link' || entry.kind === 'write' ? !entry.writable : false;
  return { source: host, target: entry.target, readonly };
}

function rebase(p: string, mappings: readonly PathMapping[], from: keyof PathMapping, to: keyof PathMapping): string {
  const m = mappings.find((x) => within(p, x[from]));
  if (m === undefined) return p;
  return p === m[from] ? m[to] : path.posix.join(m[to], p.slice(m[from].length));
}

/** Whether `p` is `dir` or inside it. */
export function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}
