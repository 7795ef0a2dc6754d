import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { withHostEntry, withHostFileNow, type CheckedEntry, type ReadScope } from './hostEntry.js';
import { HostReadRefused } from './hostEntry.js';

/** The CWL limit on `loadContents`. */
export const CONTENTS_LIMIT = 64 * 1024;

const CHUNK = 64 * 1024;

export interface BoundedRead {
  /** Refuse the file once more than this many bytes have been read (never trusting a stat's size). */
  readonly maxBytes: number;
  /**
   * The error for a file past the bound; by default one line naming it.
   * `size` is given when the descriptor's stat already shows it too large
   * (refused before reading a byte); a file that only grows past the bound
   * while being read, or whose stat lies (/proc), is refused by bytes read.
   */
  readonly tooLarge?: (file: string, size?: number) => Error;
  readonly scope?: ReadScope;
  readonly signal?: AbortSignal;
}

/**
 * Reads up to `max + 1` bytes from a handle: the extra byte tells a file at
 * the bound from one past it. The first read asks for the size the stat gave
 * (and one byte), so a regular file is read whole at once; that size is
 * never trusted as the end.
 */
async function readUpTo(handle: FileHandle, max: number, sizeHint: number, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (let next = Math.max(sizeHint + 1, CHUNK); ; next = CHUNK) {
    signal?.throwIfAborted();
    const want = Math.min(next, max + 1 - total);
    if (want <= 0) break;
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, null);
    if (bytesRead === 0) break;
    chunks.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/** A whole regular file through the gate, refused past `maxBytes` read. */
export function readHostFile(file: string, where: string, options: BoundedRead): Promise<Buffer> {
  return withHostEntry(file, where, options.scope, async (handle, entry) => {
    if (entry.kind !== 'File') throw new HostReadRefused(`${where} ${file} is a directory, but a file was expected`);
    const tooLarge = (size?: number): Error => options.tooLarge?.(file, size) ?? new HostReadRefused(`${where} ${file} is larger than ${options.maxBytes} bytes`);
    if (entry.size > options.maxBytes) throw tooLarge(entry.size);
    const data = await readUpTo(handle, options.maxBytes, entry.size, options.signal);
    if (data.length > options.maxBytes) throw tooLarge();
    return data;
  });
}

/** UTF-8 text of a regular file through the gate, without a leading byte order mark. */
export async function readHostText(file: string, where: string, options: BoundedRead): Promise<string> {
  return new TextDecoder().decode(await readHostFile(file, where, options));
}

/** `loadContents`: at most the CWL limit of a file; a larger file is an error. */
export async function readContents(file: string, where: string, scope?: ReadScope): Promise<string> {
  const data = await readHostFile(file, `${where}: loadContents of`, {
    maxBytes: CONTENTS_LIMIT,
    ...(scope ? { scope } : {}),
    tooLarge: () => new HostReadRefused(`${where}: loadContents of ${file}: the file is larger than the 64 KiB limit`),
  });
  return data.toString('utf8');
}

/** A regular file's size and sha1 through the gate, in chunks through one handle. */
export function sha1HostFile(file: string, where: string, scope?: ReadScope): Promise<{ size: number; sha1: string }> {
  return withHostEntry(file, where, scope, async (handle, entry: CheckedEntry) => {
    if (entry.kind !== 'File') throw new HostReadRefused(`${where} ${file} is a directory, but a File was expected`);
    const hash = createHash('sha1');
    // The stat's size only sizes the buffer: the end is where reading ends.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, entry.size + 1));
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, sha1: hash.digest('hex') };
  });
}

/**
 * The size and sha1 of a small regular file, read at once on the calling
 * thread through the gate: stat, open, fstat, one read, close. The async path
 * costs four thread-pool round trips, each waking a pool thread and then the
 * event loop; for the one-line outputs of a wide scatter those wake-ups were
 * most of the engine's time per element. Undefined for a regular file over
 * one chunk (or one that grew past it meanwhile): sha1HostFile reads those.
 */
export function smallFileDigest(file: string, where: string, scope?: { allowsNow(real: string): boolean; readonly description: string }): { size: number; sha1: string } | undefined {
  return withHostFileNow(file, where, scope, (fd, info) => {
    if (info.size > CHUNK) return undefined;
    // One byte over the size: a read that fills it means the file grew.
    const buffer = Buffer.allocUnsafe(info.size + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length === buffer.length) return undefined;
    return { size: length, sha1: createHash('sha1').update(buffer.subarray(0, length)).digest('hex') };
  });
}
