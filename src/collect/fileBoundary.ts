import { realpathSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../model/types.js';
import { forEachFileAsync } from '../model/fileWalk.js';
import { PermanentFailure } from '../errors.js';
import { pathToUri, uriToPath } from '../files/uri.js';
import { MAX_LISTING_DEPTH } from '../files/listing.js';
import type { ReadScope } from '../files/hostEntry.js';

/**
 * Where a process's outputs may come from: the directories the engine made
 * for it, and the Files and Directories it was given as inputs (passed
 * through). Everything is compared by real path, so neither `../` in a
 * location, basename or secondaryFiles pattern nor a symlink the tool made
 * can name a host file (say /etc/shadow, or the engine's kubeconfig) as an
 * output that the engine would then copy into --outdir.
 */
export class FileBoundary implements ReadScope {
  readonly description = "the step's output directory and its inputs";
  /** The process's own directories by their real paths, resolved when first needed. */
  #realDirs: readonly string[] | undefined;

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

  /** Only a process's own directory: where its cwl.output.json may be. */
  static ownDirectory(dir: string): FileBoundary {
    return new FileBoundary([dir], [], new Map());
  }

  /** Whether a real path is one of the inputs themselves (a File, secondary file or Directory given). */
  isInput(real: string): boolean {
    return this.files.has(real) || this.roots.includes(real);
  }

  /** Whether a real path is an input File or lies in an input Directory. */
  holdsInput(real: string): boolean {
    return this.files.has(real) || within(real, this.roots);
  }

  /** Whether a real path may be read or named as an output: the gate's scope (files/hostEntry.ts). */
  allows(real: string): boolean {
    return this.allowsNow(real);
  }

  allowsNow(real: string): boolean {
    if (this.holdsInput(real)) return true;
    // A real path has no symlink, '.' or '..' in it: a plain absolute
    // directory it lies under literally is that directory's real path, so
    // most outputs need no realpath of the job's directories (one per element
    // of a wide scatter). The rest are resolved once, on the calling thread.
    if (within(real, this.dirs.filter(isPlainAbsolute))) return true;
    this.#realDirs ??= this.dirs.map((d) => realPathNow(d) ?? path.resolve(d));
    return within(real, this.#realDirs);
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
    const p = this.#resolve(value, where);
    if (p === undefined) return;
    const real = realPathNow(p);
    // A missing file is reported later, as "output file …: not found".
    if (real === undefined) return;
    if (!this.allowsNow(real)) throw outside(where, value.class, p, real);
    if (value.class === 'Directory') {
      // Listing a regular file would fail later as an ENOTDIR: say what was found.
      const info = await stat(real);
      if (!info.isDirectory()) throw new PermanentFailure(`${where}: output directory ${p} is ${info.isFile() ? 'a regular file' : 'not a directory'}, but a Directory was expected`);
      await this.#checkTree(p, where, new Set([real]));
    }
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

  /**
   * The one local path a File or Directory names, resolved once and written
   * back: `location` wins (as in CWL), a relative one is taken from the
   * process's own directory, and `path` is made to agree with it, so what is
   * checked here is what every later stage reads, hashes and copies.
   */
  #resolve(value: FileOrDirectory, where: string): string | undefined {
    const loc = typeof value.location === 'string' ? value.location : typeof value.path === 'string' ? value.path : undefined;
    // No location, or `_:` (a literal written out later): nothing on the host yet.
    if (loc === undefined || loc.startsWith('_:')) return undefined;
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(loc) && !loc.startsWith('file:')) return undefined;
    let p = loc.startsWith('file:') ? uriToPath(loc) : loc;
    if (!path.isAbsolute(p)) {
      const base = this.dirs[0];
      if (base === undefined) throw new PermanentFailure(`${where}: ${value.class} location ${JSON.stringify(loc)} is relative, and there is no output directory to resolve it in`);
      p = path.resolve(base, p);
    }
    value.location = pathToUri(p);
    value.path = p;
    return p;
  }

  /**
   * Symlinks inside an output Directory must stay inside the boundary too:
   * relocation follows them. `ancestors` holds the real paths of the
   * directories walked into: a link back to one of them is a loop, refused
   * (listing or copying it would never end).
   */
  async #checkTree(dir: string, where: string, ancestors: ReadonlySet<string>): Promise<void> {
    if (ancestors.size > MAX_LISTING_DEPTH) throw new PermanentFailure(`${where}: ${dir} is nested more than ${MAX_LISTING_DEPTH} directories deep`);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const real = await realpath(p).catch(() => undefined);
        if (real === undefined) continue;
        if (!this.allowsNow(real)) throw outside(where, 'symlink', p, real);
        if (!(await lstat(real)).isDirectory()) continue;
        if (ancestors.has(real)) throw new PermanentFailure(`${where}: symlink ${p} leads back to ${real}, which holds it: a directory loop`);
        await this.#checkTree(real, where, new Set([...ancestors, real]));
      } else if (entry.isDirectory()) {
        await this.#checkTree(p, where, new Set([...ancestors, path.join(dir, entry.name)]));
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

/** Where an input File or Directory is on the host, if it is local. */
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
