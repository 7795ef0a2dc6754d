import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { cp, mkdir, open, readFile, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../../model/types.js';
import { isPlainObject } from '../../model/types.js';
import { mapFiles, mapFilesAsync } from '../../model/fileWalk.js';
import { pathToUri, uriToPath } from '../../files/uri.js';
import { CACHE_KEY_VERSION } from './cacheKey.js';

/** A finished step found in the cache: its output object, paths relative to `dataDir`. */
export interface CacheEntry {
  readonly key: string;
  readonly dataDir: string;
  readonly outputs: Record<string, unknown>;
}

interface Marker {
  readonly version: number;
  readonly key: string;
  /** Name of the entry's data directory, beside the marker. */
  readonly data: string;
  readonly step: string;
  readonly outputs: Record<string, unknown>;
}

/** Temporary files and unclaimed data directories older than this are a crashed run's and are removed. */
const DEFAULT_STALE_MS = 6 * 3600_000;
const KEY = /^[0-9a-f]{64}$/;
const DATA = /^[0-9a-f]{64}-[0-9a-f]+$/;
const TEMP = /^\.[0-9a-f]{64}\.[0-9a-f]+\.tmp$/;
/** Copies are reflinks where the file system can (copy-on-write), plain copies elsewhere: never shared inodes. */
const COPY = { recursive: true, dereference: true, force: true, mode: constants.COPYFILE_FICLONE } as const;

/**
 * A directory of finished CommandLineTool runs (--cachedir). An entry is
 * `<key>.json`, the marker, naming a data directory `<key>-<random>/` beside
 * it. The data is written first and the marker last, by renaming a
 * temporary file within the same directory (one file: atomic on POSIX, and
 * a single object on an S3-backed claim), so an entry exists only once it is
 * complete. A run killed mid-publish leaves a data directory no marker
 * names or a temporary marker; both are ignored and removed once stale.
 * Entries are never handed to steps: restoring copies them out.
 */
export class StepCache {
  readonly dir: string;
  readonly #staleMs: number;

  private constructor(dir: string, staleMs: number) {
    this.dir = dir;
    this.#staleMs = staleMs;
  }

  static async open(dir: string, options: { staleMs?: number } = {}): Promise<StepCache> {
    await mkdir(dir, { recursive: true });
    const cache = new StepCache(dir, options.staleMs ?? DEFAULT_STALE_MS);
    await cache.removeStale();
    return cache;
  }

  async lookup(key: string): Promise<CacheEntry | undefined> {
    const marker = await this.#readMarker(key);
    if (!marker) return undefined;
    const dataDir = path.join(this.dir, marker.data);
    if (!(await stat(dataDir).then((s) => s.isDirectory(), () => false))) return undefined;
    return { key, dataDir, outputs: marker.outputs };
  }

  /** Copies an entry's data into `outdir` (a new, empty job output directory) and returns its output object there. */
  async restore(entry: CacheEntry, outdir: string): Promise<Record<string, unknown>> {
    await cp(entry.dataDir, outdir, COPY);
    return rebaseOutputs(entry.outputs, (rel) => {
      if (path.isAbsolute(rel) || rel.split('/').includes('..')) throw new Error(`cache entry ${entry.key}: bad path ${rel}`);
      return path.join(outdir, rel);
    }) as Record<string, unknown>;
  }

  /**
   * Publishes a step's outputs under `key`, copying every File and Directory
   * they name. 'present' when an entry already exists (a concurrent run won):
   * this copy is then discarded.
   */
  async publish(key: string, outputs: Record<string, unknown>, step: string): Promise<'published' | 'present'> {
    if (!KEY.test(key)) throw new Error(`not a cache key: ${key}`);
    if (await this.#readMarker(key)) return 'present';
    const suffix = randomBytes(6).toString('hex');
    const data = `${key}-${suffix}`;
    const dataDir = path.join(this.dir, data);
    const temp = path.join(this.dir, `.${key}.${suffix}.tmp`);
    try {
      await mkdir(dataDir);
      const stored = await copyIntoEntry(outputs, dataDir);
      const marker: Marker = { version: CACHE_KEY_VERSION, key, data, step, outputs: stored };
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(JSON.stringify(marker));
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (await this.#readMarker(key)) {
        await Promise.all([rm(dataDir, { recursive: true, force: true }), rm(temp, { force: true })]);
        return 'present';
      }
      // Two runs renaming at once: the last marker wins and the other data
      // directory is left unclaimed (readers may be copying from it) until stale.
      await rename(temp, path.join(this.dir, `${key}.json`));
      return 'published';
    } catch (error) {
      await Promise.all([rm(dataDir, { recursive: true, force: true }), rm(temp, { force: true })]);
      throw error;
    }
  }

  /**
   * Removes what crashed or losing runs left: old temporary markers and old
   * data directories no marker names. Markers are read only for keys with
   * more than one data directory (a race), so a large cache costs one
   * directory listing.
   */
  async removeStale(now = Date.now()): Promise<number> {
    const names = await readdir(this.dir);
    const markers = new Set(names.flatMap((n) => (/^[0-9a-f]{64}\.json$/.test(n) ? [n.slice(0, 64)] : [])));
    const dataDirs = new Map<string, number>();
    for (const n of names) if (DATA.test(n)) dataDirs.set(n.slice(0, 64), (dataDirs.get(n.slice(0, 64)) ?? 0) + 1);
    let removed = 0;
    for (const name of names) {
      const isTemp = TEMP.test(name);
      if (!isTemp && !DATA.test(name)) continue;
      const key = isTemp ? name.slice(1, 65) : name.slice(0, 64);
      if (!isTemp && markers.has(key) && (dataDirs.get(key) === 1 || (await this.#readMarker(key))?.data === name)) continue;
      const info = await stat(path.join(this.dir, name)).catch(() => undefined);
      if (!info || now - info.mtimeMs < this.#staleMs) continue;
      await rm(path.join(this.dir, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  async #readMarker(key: string): Promise<Marker | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isPlainObject(parsed) || parsed.version !== CACHE_KEY_VERSION || parsed.key !== key) return undefined;
      if (typeof parsed.data !== 'string' || !parsed.data.startsWith(`${key}-`) || !isPlainObject(parsed.outputs)) return undefined;
      return { version: parsed.version, key, data: parsed.data, step: String(parsed.step), outputs: parsed.outputs };
    } catch {
      return undefined; // unreadable: as if absent, and the step runs
    }
  }
}

/**
 * Copies each File and Directory of an output object into `dataDir`, one
 * numbered directory per output (secondaryFiles beside their primary), and
 * returns the object with locations relative to `dataDir`.
 */
async function copyIntoEntry(outputs: Record<string, unknown>, dataDir: string): Promise<Record<string, unknown>> {
  const copied = new Map<string, string>();
  let next = 0;
  const place = async (value: FileOrDirectory, slot: string | undefined): Promise<FileOrDirectory> => {
    const source = await realpath(uriToPath(value.location));
    const basename = value.basename ?? path.basename(source);
    let rel = copied.get(source);
    if (rel === undefined) {
      const dir = slot ?? String(next++);
      rel = path.posix.join(dir, basename);
      await mkdir(path.join(dataDir, dir), { recursive: true });
      await cp(source, path.join(dataDir, rel), COPY);
      copied.set(source, rel);
    }
    const out = { ...value, location: rel } as FileOrDirectory;
    delete out.path; delete out.dirname;
    if (out.class === 'Directory' && out.listing) out.listing = relativeListing(out.listing, uriToPath(value.location), rel);
    if (out.class === 'File' && out.secondaryFiles) {
      const list: FileOrDirectory[] = [];
      for (const s of out.secondaryFiles) list.push(await place(s, path.posix.dirname(rel)));
      out.secondaryFiles = list;
    }
    return out;
  };
  // A literal (no location) stays in the entry as it is; secondaryFiles are placed beside their primary.
  return mapFilesAsync(outputs, (f) => (f.location ? place(f, undefined) : Promise.resolve(f)), { descend: () => false });
}

/** A copied Directory's listing, each entry's location now relative to the entry. */
function relativeListing(listing: FileOrDirectory[], from: string, to: string): FileOrDirectory[] {
  return mapFiles(listing, (e) => {
    const p = uriToPath(e.location);
    const out = { ...e, location: p.startsWith(`${from}/`) ? path.posix.join(to, p.slice(from.length + 1)) : p } as FileOrDirectory;
    delete out.path; delete out.dirname;
    return out;
  });
}

/** Every File and Directory with a location under `resolve(location)`, with path and dirname to match. */
function rebaseOutputs<T>(value: T, resolve: (rel: string) => string): T {
  return mapFiles(value, (f) => {
    if (!f.location) return f;
    const p = resolve(f.location);
    const out = { ...f, location: pathToUri(p), path: p } as FileOrDirectory;
    if (out.class === 'File') out.dirname = path.dirname(p);
    return out;
  }, { descend: (f) => Boolean(f.location) }); // a literal is stored as it was given
}
