import { realpathSync } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../model/types.js';
import { forEachFileAsync } from '../model/fileWalk.js';
import { PermanentFailure } from '../errors.js';
import { pathToUri, uriToPath } from '../load/uri.js';

/**
 * Where a process's outputs may come from: the directories the engine made
 * for it, and the Files and Directories it was given as inputs (passed
 * through). Everything is compared by real path, so neither `../` in a
 * location, basename or secondaryFiles pattern nor a symlink the tool made
 * can name a host file (say /etc/shadow, or the engine's kubeconfig) as an
 * output that the engine would then copy into --outdir.
 */
export class FileBoundary {
  /** The process's own directories by their real paths, resolved when first needed. */
  #realDirs: Promise<readonly string[]> | undefined;

  /**
   * `dirs`: the process's own directories as given; `roots`: the input
   * Directories' real paths; `files`: each input File's real path → the
   * path it was given as (which may go through a symlinked directory).
   */
  private constructor(readonly dirs: readonly string[], readonly roots: readonly string[], readonly files: ReadonlyMap<string, string>) {}

  /** `dirs`: the process's own directories; `inputs`: its input object (host paths). */
  static async of(dirs: readonly string[], inputs: unknown): Promise<FileBoundary> {
    const roots = new Set<string>();
    const files = new Map<string, string>();
    await forEachFileAsync(inputs, async (value) => {
      const p = localPath(value);
      if (p !== undefined && value.class === 'Directory') roots.add(await realOrSelf(p));
      else if (p !== undefined) files.set(await realOrSelf(p), p);
    });
    return new FileBoundary(dirs, [...roots], files);
  }

  /** Whether a real path is one of the inputs themselves (a File, secondary file or Directory given). */
  isInput(real: string): boolean {
    return this.files.has(real) || this.roots.includes(real);
  }

  /** Whether a real path is an input File or lies in an input Directory. */
  holdsInput(real: string): boolean {
    return this.files.has(real) || within(real, this.roots);
  }

  async #allows(real: string): Promise<boolean> {
    if (this.holdsInput(real)) return true;
    // A real path has no symlink, '.' or '..' in it: a plain absolute
    // directory it lies under literally is that directory's real path, so
    // most outputs need no realpath of the job's directories (one per element
    // of a wide scatter).
    if (within(real, this.dirs.filter(isPlainAbsolute))) return true;
    this.#realDirs ??= Promise.all(this.dirs.map(realOrSelf));
    return within(real, await this.#realDirs);
  }

  /**
   * Checks every File and Directory in `value` (the outputs of one output
   * parameter), their secondaryFiles and listings, and every symlink inside
   * an output Directory; throws naming `where` and the offending path. A File
   * that is a link to an input is rewritten to name the input itself.
   */
  async check(value: unknown, where: string): Promise<void> {
    await forEachFileAsync(value, (f) => this.#checkOne(f, where));
  }

  async #checkOne(value: FileOrDirectory, where: string): Promise<void> {
    checkBasename(value, where);
    const p = localPath(value);
    if (p === undefined) return;
    const real = realPathNow(p);
    // A missing file is reported later, as "output file …: not found".
    if (real === undefined) return;
    if (!(await this.#allows(real))) throw outside(where, value.class, p, real);
    if (value.class === 'Directory') await this.#checkTree(p, where);
    if (real !== p && value.class === 'File' && this.files.has(real)) {
      // A link the tool made to an input is that input: name it as it was
      // given (the staging directory the link may point through is removed
      // with the step, and its real path may be on no claim a pod mounts).
      const given = this.files.get(real)!;
      value.basename ??= path.basename(p);
      value.path = given;
      value.location = pathToUri(given);
    }
  }

  /** Symlinks inside an output Directory must stay inside the boundary too: relocation follows them. */
  async #checkTree(dir: string, where: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const real = await realpath(p).catch(() => undefined);
        if (real !== undefined && !(await this.#allows(real))) throw outside(where, 'symlink', p, real);
        if (real !== undefined && (await lstat(real)).isDirectory()) await this.#checkTree(real, where);
      } else if (entry.isDirectory()) {
        await this.#checkTree(p, where);
      }
    }
  }
}

/** A basename names one entry in a directory: never a path, so relocation cannot write outside --outdir. */
export function checkBasename(value: FileOrDirectory, where: string): void {
  const b = value.basename;
  if (b === undefined) return;
  if (typeof b !== 'string' || b === '' || b === '.' || b === '..' || b.includes('/') || b.includes('\0')) {
    throw new PermanentFailure(`${where}: ${value.class} basename ${JSON.stringify(b)} is not a plain file name (no '/', not '.' or '..')`);
  }
}

function outside(where: string, kind: string, p: string, real: string): PermanentFailure {
  const via = real === p ? '' : ` (it resolves to ${real})`;
  return new PermanentFailure(`${where}: ${kind} ${p}${via} is outside the step's output directory and its inputs; an output may only be a file the step wrote or an input it was given`);
}

function localPath(value: FileOrDirectory): string | undefined {
  if (typeof value.path === 'string') return value.path;
  if (typeof value.location === 'string' && (value.location.startsWith('file://') || value.location.startsWith('/'))) return uriToPath(value.location);
  return undefined;
}

function within(real: string, dirs: readonly string[]): boolean {
  return dirs.some((r) => real === r || real.startsWith(r === '/' ? r : `${r}/`));
}

function isPlainAbsolute(p: string): boolean {
  return path.isAbsolute(p) && path.normalize(p) === p && (p === '/' || !p.endsWith('/'));
}

/** The real path of `p`, or `p` made absolute when it cannot be resolved (missing, or a broken link). */
export async function realOrSelf(p: string): Promise<string> {
  return realpath(p).catch(() => path.resolve(p));
}

/**
 * A real path on the calling thread (libc's realpath: one readlink per
 * component, microseconds), or undefined when nothing is there. Each output
 * of each element of a wide scatter is resolved here and again when it is
 * moved into --outdir; through the thread pool each took a round trip that
 * woke a pool thread and then the event loop, costing more than the calls.
 */
export function realPathNow(p: string): string | undefined {
  try { return realpathSync.native(p); } catch { return undefined; }
}
