import { lstatSync } from 'node:fs';
import { cp, mkdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../model/types.js';
import { mapFiles, mapFilesAsync } from '../model/fileWalk.js';
import { pathToUri, uriToPath } from '../files/uri.js';
import { FileBoundary, checkBasename, realOrSelf, realPathNow } from './fileBoundary.js';
import { RelocationBoundary } from './relocationBoundary.js';
import { completeOutputObject } from './outputCompletion.js';

export type OutputMode = 'move' | 'copy' | 'leave';

/**
 * Puts the final outputs in `outdir`, each under its basename (named as
 * cwltool names a clash: `out.txt_2`, `out.txt_3`…, the value keeping its
 * basename, as cwltool's does), and rewrites their locations. Files produced in the
 * job output directories the engine created (`jobOutdirs`) are moved (or
 * copied); everything else, such as inputs passed through, is copied. An
 * input or a directory already in `outdir` is never merged into or replaced,
 * and nothing that leads out of the run's directories and inputs through a
 * symlink is taken (`document: output 'id': …`).
 */
export async function relocateOutputs(
  outputs: Record<string, unknown>, outdir: string, mode: OutputMode, jobOutdirs: ReadonlySet<string>,
  inputs: unknown = {}, document = 'run',
): Promise<Record<string, unknown>> {
  if (mode === 'leave') return mapFiles(outputs, withoutDerivedNames);
  await mkdir(outdir, { recursive: true });
  const placement = await OutputPlacement.create(outdir, mode, jobOutdirs, inputs);
  const out: Record<string, unknown> = {};
  // Each top-level File places its secondaryFiles beside it, and a Directory its listing inside it.
  for (const [id, value] of Object.entries(outputs)) {
    out[id] = await mapFilesAsync(value, (f) => placement.relocate(f, outdir, `${document}: output '${id}'`), { descend: () => false });
  }
  await completeOutputObject(out, outdir, document);
  return out;
}

/** Where each output goes in --outdir, and the moves and copies that put it there. */
class OutputPlacement {
  readonly #taken = new Set<string>();
  readonly #done = new Map<string, string>();
  /** Per wanted path, the next suffix to try: names already handed out stay taken, so a search never restarts at `_2`. */
  readonly #nextSuffix = new Map<string, number>();
  /** Directories made in --outdir so far: one mkdir each, not one per output. */
  readonly #made = new Set<string>();

  private constructor(readonly outdir: string, readonly mode: OutputMode, readonly boundary: RelocationBoundary) {
    this.#made.add(outdir);
  }

  static async create(outdir: string, mode: OutputMode, jobOutdirs: ReadonlySet<string>, inputs: unknown): Promise<OutputPlacement> {
    // An input that lives in --outdir (`--outdir .` beside the data) is never
    // overwritten by an output of the same name: the output gets the next name.
    const given = await FileBoundary.of([], inputs);
    return new OutputPlacement(outdir, mode, new RelocationBoundary(await realJobOutdirs(jobOutdirs), given));
  }

  async relocate(value: FileOrDirectory, dir: string, where: string): Promise<FileOrDirectory> {
    const source = uriToPath(value.location);
    checkBasename(value, where);
    const target = await this.#place(source, value.basename ?? path.basename(source), dir, where);
    // A clash's basename stays the name the tool gave it, as in cwltool's output object.
    const basename = dir === this.outdir ? value.basename ?? path.basename(target) : path.basename(target);
    const out = withoutDerivedNames({ ...value, location: pathToUri(target), path: target, basename } as FileOrDirectory);
    if (out.class === 'File' && out.secondaryFiles) {
      const list: FileOrDirectory[] = [];
      for (const s of out.secondaryFiles) list.push(await this.relocate(s, path.dirname(target), where));
      out.secondaryFiles = list;
    }
    if (out.class === 'Directory' && out.listing) out.listing = rebase(out.listing, source, target);
    return out;
  }

  async #isInput(p: string): Promise<boolean> {
    // No File or Directory among the inputs: nothing to resolve.
    const given = this.boundary.given;
    if (given.roots.length === 0 && given.files.size === 0) return false;
    return given.isInput(await realOrSelf(p));
  }

  async #place(source: string, basename: string, dir: string, where: string): Promise<string> {
    const key = `${source}\u0000${dir}`;
    const already = this.#done.get(key);
    if (already) return already;
    await this.boundary.check(source, where);
    const target = dir === this.outdir ? await this.#freeName(dir, basename) : path.join(dir, basename);
    if (source !== target) await this.#transfer(source, target);
    this.#done.set(key, target);
    return target;
  }

  /**
   * `basename`, or `basename_2`, `basename_3`… (cwltool's names) when that is an output placed
   * already, an input, or a directory (or link) already in --outdir. The
   * search for a name resumes where the last one for it stopped, so a
   * scatter's 5,000 `out.txt` cost one step each, not 5,000.
   */
  async #freeName(dir: string, basename: string): Promise<string> {
    const wanted = path.join(dir, basename);
    let n = this.#nextSuffix.get(wanted) ?? 1;
    let target = n === 1 ? wanted : `${wanted}_${n}`;
    while (this.#taken.has(target) || notOverwritable(target) || (await this.#isInput(target))) target = `${wanted}_${++n}`;
    this.#nextSuffix.set(wanted, n + 1);
    this.#taken.add(target);
    return target;
  }

  async #transfer(source: string, target: string): Promise<void> {
    if (!this.#made.has(path.dirname(target))) {
      await mkdir(path.dirname(target), { recursive: true });
      this.#made.add(path.dirname(target));
    }
    const real = realPathNow(source) ?? source;
    if (this.mode === 'move' && this.boundary.isScratch(real)) {
      try {
        await rename(real, target);
      } catch {
        // Across file systems (EXDEV) or claims that cannot rename: copy, then remove; a real failure surfaces from cp.
        await cp(real, target, { recursive: true, dereference: true, force: true });
        await rm(real, { recursive: true, force: true });
      }
    } else {
      // From the real path: fs.cp copies a top-level symlink as a link, which
      // would dangle once the staging directory it points into is gone.
      await cp(real, target, { recursive: true, dereference: true, force: true });
    }
  }
}

/** Whether something other than a plain file is at `p` already: a directory is never merged into, a link never written through. */
function notOverwritable(p: string): boolean {
  const stat = lstatSync(p, { throwIfNoEntry: false });
  return stat !== undefined && !stat.isFile();
}

/**
 * The job output directories by their real paths. Each was made by mkdtemp
 * under a scratch prefix, so only the few distinct parents need resolving,
 * not each of a 10,000-way scatter's directories (which was 10,000
 * realpaths at once at the end of the run). A job directory a tool replaced
 * by a symlink then names no real path at all: what it leads to is copied,
 * never moved.
 */
async function realJobOutdirs(jobOutdirs: ReadonlySet<string>): Promise<Set<string>> {
  const parents = new Map<string, string>();
  for (const parent of new Set([...jobOutdirs].map((d) => path.dirname(d)))) parents.set(parent, await realpath(parent).catch(() => parent));
  const real = new Set<string>();
  for (const d of jobOutdirs) real.add(path.join(parents.get(path.dirname(d))!, path.basename(d)));
  return real;
}

/** Listings of a moved directory: same entries under the new root. */
function rebase(listing: FileOrDirectory[], from: string, to: string): FileOrDirectory[] {
  return mapFiles(listing, (e) => {
    const p = uriToPath(e.location);
    const np = p.startsWith(from + '/') ? path.join(to, p.slice(from.length)) : p;
    return withoutDerivedNames({ ...e, location: pathToUri(np), path: np } as FileOrDirectory);
  });
}

/** A copy without the fields derived from a path: cwltool leaves them out of the final output object. */
function withoutDerivedNames(value: FileOrDirectory): FileOrDirectory {
  const { dirname: _dirname, nameroot: _nameroot, nameext: _nameext, ...rest } = value;
  return rest as FileOrDirectory;
}
