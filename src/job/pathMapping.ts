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
 * Host paths ↔ the paths a job's process sees (cwltool's PathMapper): the
 * longest mapping that holds a path decides, so a staged input wins over
 * the output directory it is staged into (a read-only input mounted there
 * leaves only an empty placeholder on the host). A host path mapped in and
 * back is the path itself; a path under no mapping is left as it is.
 */
export class PathMapper {
  readonly #byInner: readonly PathMapping[];
  readonly #byHost: readonly PathMapping[];

  constructor(readonly mappings: readonly PathMapping[]) {
    const longestFirst = (key: keyof PathMapping) => (a: PathMapping, b: PathMapping): number => b[key].length - a[key].length;
    // Array.prototype.sort is stable: of two equally long mappings, the one listed first wins.
    this.#byInner = [...mappings].sort(longestFirst('inner'));
    this.#byHost = [...mappings].sort(longestFirst('host'));
  }

  /** Every mount a job needs: staged links, its directories, and what staging makes elsewhere. */
  static forJob(job: JobLayout): PathMapper {
    const { dirs, runtime, stageRoot } = job;
    const links = job.staging.flatMap((e) => (e.kind === 'link' ? [{ host: e.source, inner: e.target }] : []));
    const made = stageRoot === dirs.hostStageDir ? [] : job.staging.flatMap((e) => (
      e.kind === 'link' || within(e.target, runtime.outdir) ? [] : [{ host: madeOnHost(dirs.hostStageDir, e.target), inner: e.target }]
    ));
    const tmpdir = dirs.podTmpdir === undefined ? [{ host: dirs.hostTmpdir, inner: runtime.tmpdir }] : [];
    return new PathMapper([
      // What staging makes comes first: where it and a link name one target, the host side stays in the staging directory.
      ...made, ...links, { host: dirs.hostOutdir, inner: runtime.outdir }, ...tmpdir, { host: dirs.hostStageDir, inner: stageRoot },
    ]);
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

function rebase(p: string, mappings: readonly PathMapping[], from: keyof PathMapping, to: keyof PathMapping): string {
  const m = mappings.find((x) => within(p, x[from]));
  if (m === undefined) return p;
  return p === m[from] ? m[to] : path.posix.join(m[to], p.slice(m[from].length));
}

/** Whether `p` is `dir` or inside it. */
export function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function madeOnHost(hostStageDir: string, target: string): string {
  return path.join(hostStageDir, MADE_ENTRIES, target);
}
