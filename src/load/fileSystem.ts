import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryValue, FileOrDirectory, FileValue, LoadListing } from '../model/types.js';
import { pathToUri, uriToPath } from '../load/uri.js';
import { ValidationError, fileProblem } from '../errors.js';

/** The CWL limit on `loadContents`. */
export const CONTENTS_LIMIT = 64 * 1024;

export function splitName(basename: string): { nameroot: string; nameext: string } {
  const dot = basename.lastIndexOf('.');
  if (dot <= 0) return { nameroot: basename, nameext: '' };
  return { nameroot: basename.slice(0, dot), nameext: basename.slice(dot) };
}

/** Probes (secondary files by pattern, optional paths): whatever stops a stat means "not there" to the caller. */
export async function exists(p: string): Promise<boolean> {
  try { await stat(p); return true; } catch { return false; }
}

/**
 * `exists` on the calling thread, for a probe made once per job of a file
 * that is mostly not there (cwl.output.json): one stat, no thread-pool round
 * trip, and no error object with its stack built for the usual ENOENT.
 */
export function existsNow(p: string): boolean {
  try { return statSync(p, { throwIfNoEntry: false }) !== undefined; } catch { return false; }
}

export async function isDirectory(p: string): Promise<boolean> {
  try { return (await stat(p)).isDirectory(); } catch { return false; }
}

/** Reads at most the CWL limit of a file; larger files are an error. */
export async function readContents(file: string, where: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(CONTENTS_LIMIT + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > CONTENTS_LIMIT) {
      throw new ValidationError(`${where}: loadContents of ${file}: the file is larger than the 64 KiB limit`);
    }
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

const CHECKSUM_CHUNK = 64 * 1024;

/**
 * A file's sha1, read in chunks through one handle. `regularSize` is the
 * size a stat found when the file is a regular one: a short read of it is
 * its end, so a small output costs an open, one read into a buffer of its
 * size and a close (a read stream costs more system calls, a 64 KiB buffer
 * and far more bookkeeping, thousands of times over in a wide scatter).
 */
export async function sha1File(file: string, regularSize?: number): Promise<string> {
  const hash = createHash('sha1');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(CHECKSUM_CHUNK, (regularSize ?? CHECKSUM_CHUNK) + 1));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      hash.update(buffer.subarray(0, bytesRead));
      if (bytesRead === 0 || (regularSize !== undefined && bytesRead < buffer.length)) break;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/**
 * The size and sha1 of a small regular file, read at once on the calling
 * thread: open, fstat, one read, close. The async path (stat, then open,
 * read and close through a handle) costs four thread-pool round trips, each
 * waking a pool thread and then the event loop; for the one-line outputs of
 * a wide scatter those wake-ups were most of the engine's time per element,
 * where these four calls take microseconds. Opened non-blocking so a FIFO
 * never holds the loop. Undefined for anything but a regular file of at most
 * one chunk (or one that grew past it meanwhile): sha1File reads those.
 * Throws the open's error (ENOENT, EACCES).
 */
export function smallFileDigest(file: string): { size: number; sha1: string } | undefined {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > CHECKSUM_CHUNK) return undefined;
    // One byte over the size: a read that fills it means the file grew.
    const buffer = Buffer.allocUnsafe(info.size + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length === buffer.length) return undefined;
    return { size: length, sha1: createHash('sha1').update(buffer.subarray(0, length)).digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/** A stat that failed because nothing is there (rather than, say, a permission error, which is reported as one). */
function notThere(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Fills basename/nameroot/nameext/dirname/size of a File at a host path, checking it exists. */
export async function describeHostFile(file: FileValue, where: string): Promise<FileValue> {
  const p = uriToPath(file.location);
  let info;
  try {
    info = await stat(p);
  } catch (error) {
    throw new ValidationError(`${where}: ${notThere(error) ? `file not found: ${p}` : `cannot read ${p}: ${fileProblem(error)}`}`);
  }
  if (info.isDirectory()) throw new ValidationError(`${where}: ${p} is a directory, but a File was expected`);
  const basename = file.basename ?? path.basename(p);
  return { ...file, path: p, basename, dirname: path.dirname(p), ...splitName(basename), size: info.size };
}

export async function describeHostDirectory(dir: DirectoryValue, where: string): Promise<DirectoryValue> {
  const p = uriToPath(dir.location);
  let info;
  try {
    info = await stat(p);
  } catch (error) {
    throw new ValidationError(`${where}: ${notThere(error) ? `directory not found: ${p}` : `cannot read ${p}: ${fileProblem(error)}`}`);
  }
  if (!info.isDirectory()) throw new ValidationError(`${where}: ${p} is a file, but a Directory was expected`);
  return { ...dir, path: p, basename: dir.basename ?? path.basename(p) };
}

/** Lists a host directory as CWL objects, one level or recursively. */
export async function listDirectory(dirPath: string, depth: LoadListing): Promise<FileOrDirectory[]> {
  if (depth === 'no_listing') return [];
  const entries = await readdir(dirPath, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: FileOrDirectory[] = [];
  for (const entry of entries) {
    const full = path.join(dirPath, entry.name);
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) isDir = await isDirectory(full);
    if (isDir) {
      const d: DirectoryValue = { class: 'Directory', location: pathToUri(full), path: full, basename: entry.name };
      if (depth === 'deep_listing') d.listing = await listDirectory(full, depth);
      out.push(d);
    } else {
      const size = (await stat(full).catch(() => lstat(full))).size;
      out.push({ class: 'File', location: pathToUri(full), path: full, basename: entry.name, dirname: dirPath, ...splitName(entry.name), size });
    }
  }
  return out;
}
