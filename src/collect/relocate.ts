import { cp, mkdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../model/types.js';
import { isFileOrDirectory, isPlainObject } from '../model/types.js';
import { pathToUri, uriToPath } from '../load/uri.js';
import { FileBoundary, checkBasename } from './fileBoundary.js';

export type OutputMode = 'move' | 'copy' | 'leave';

/**
 * Puts the final outputs in `outdir`, each under its basename (renamed `_2`,
 * `_3`… on collision), and rewrites their locations. Files produced in the
 * job output directories the engine created (`jobOutdirs`) are moved (or
 * copied); everything else, such as inputs passed through, is copied.
 */
export async function relocateOutputs(
  outputs: Record<string, unknown>, outdir: string, mode: OutputMode, jobOutdirs: ReadonlySet<string>,
  inputs: unknown = {},
): Promise<Record<string, unknown>> {
  if (mode === 'leave') return strip(outputs) as Record<string, unknown>;
  await mkdir(outdir, { recursive: true });
  const taken = new Set<string>();
  // An input that lives in --outdir (`--outdir .` beside the data) is never
  // overwritten by an output of the same name: the output gets the next name.
  const given = await FileBoundary.of([], inputs);
  const isInput = async (p: string): Promise<boolean> => given.isInput(await realpath(p).catch(() => path.resolve(p)));
  const done = new Map<string, string>();
  // Only what a tool wrote into an output directory the engine made may be
  // moved; anything else (an input passed through, or a file reached through a
  // symlink that staging put into the output directory) is copied, never
  // moved. Real paths decide, so no symlink can lead a move outside.
  const realOutdirs = await Promise.all([...jobOutdirs].map((d) => realpath(d).catch(() => d)));
  const isScratch = (real: string): boolean => realOutdirs.some((r) => real.startsWith(r + '/'));
  const place = async (source: string, basename: string, dir: string): Promise<string> => {
    const key = `${source}\u0000${dir}`;
    const already = done.get(key);
    if (already) return already;
    let target = path.join(dir, basename);
    if (dir === outdir || (await isInput(target))) {
      const { name, ext } = path.parse(basename);
      for (let n = 2; taken.has(target) || (await isInput(target)); n++) target = path.join(dir, `${name}_${n}${ext}`);
      taken.add(target);
    }
    if (source !== target) {
      await mkdir(path.dirname(target), { recursive: true });
      const real = await realpath(source).catch(() => source);
      if (mode === 'move' && isScratch(real)) {
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
    done.set(key, target);
    return target;
  };
  const visit = async (value: unknown, dir: string): Promise<unknown> => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const v of value) out.push(await visit(v, dir));
      return out;
    }
    if (isFileOrDirectory(value)) return relocateOne(value, dir);
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await visit(v, dir);
      return out;
    }
    return value;
  };
  const relocateOne = async (value: FileOrDirectory, dir: string): Promise<FileOrDirectory> => {
    const source = uriToPath(value.location);
    checkBasename(value, 'final output');
    const basename = value.basename ?? path.basename(source);
    const target = await place(source, basename, dir);
    const out = { ...value, location: pathToUri(target), path: target, basename: path.basename(target) } as FileOrDirectory;
    if (out.class === 'File' && out.secondaryFiles) {
      const list: FileOrDirectory[] = [];
      for (const s of out.secondaryFiles) list.push(await relocateOne(s, path.dirname(target)));
      out.secondaryFiles = list;
    }
    if (out.class === 'Directory' && out.listing) out.listing = rebase(out.listing, source, target);
    delete out.dirname; delete out.nameroot; delete out.nameext;
    return out;
  };
  return (await visit(outputs, outdir)) as Record<string, unknown>;
}

/** Listings of a moved directory: same entries under the new root. */
function rebase(listing: FileOrDirectory[], from: string, to: string): FileOrDirectory[] {
  return listing.map((e) => {
    const p = uriToPath(e.location);
    const np = p.startsWith(from + '/') ? path.join(to, p.slice(from.length)) : p;
    const out = { ...e, location: pathToUri(np), path: np } as FileOrDirectory;
    delete out.dirname; delete out.nameroot; delete out.nameext;
    if (out.class === 'Directory' && out.listing) out.listing = rebase(out.listing, from, to);
    if (out.class === 'File' && out.secondaryFiles) out.secondaryFiles = rebase(out.secondaryFiles, from, to);
    return out;
  });
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (isFileOrDirectory(value)) {
    const out = { ...value } as FileOrDirectory;
    delete out.dirname; delete out.nameroot; delete out.nameext;
    if (out.class === 'File' && out.secondaryFiles) out.secondaryFiles = strip(out.secondaryFiles) as FileOrDirectory[];
    if (out.class === 'Directory' && out.listing) out.listing = strip(out.listing) as FileOrDirectory[];
    return out;
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]));
  return value;
}

