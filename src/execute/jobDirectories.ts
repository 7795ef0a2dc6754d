import { opendirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * A new directory from a scratch prefix: a prefix ending in `/` is the
 * directory to make it in. The prefix's directory is made only when it is
 * missing: a wide scatter makes thousands of these, one system call each.
 */
export async function makeTempDir(prefix: string): Promise<string> {
  try {
    return await mkdtemp(prefix);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(prefix.endsWith('/') ? prefix : path.dirname(prefix), { recursive: true });
    return mkdtemp(prefix);
  }
}

/**
 * Removes a directory and everything in it, as `rm -rf`. Most job
 * directories are empty by then (nothing written, or outputs moved out):
 * one rmdir does, where a recursive rm walks and stats first.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes many directories (a wide scatter's job output directories at the
 * end of a run), a few at a time: all at once would hold a pending request,
 * promise and closure for each of 10,000 directories in memory together.
 */
export async function removeTrees(dirs: Iterable<string>, concurrency = 16): Promise<void> {
  const queue = [...dirs];
  const lane = async (): Promise<void> => {
    for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) await removeTree(dir);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, lane));
}

/**
 * The empty scratch directories of a scatter's finished jobs, handed to its
 * next jobs instead of being removed and made again: a wide scatter then
 * frees no inode while it runs (ext4 scans past every inode freed in the last
 * 30 s on each mkdir and create, which grew with the width) and spends one
 * readdir per job where it spent a mkdir and an rmdir. A directory a tool
 * left anything in is removed as before. The scatter removes what is left
 * when it settles.
 */
export class SpareTmpdirs {
  readonly #free: string[] = [];

  take(): string | undefined {
    return this.#free.pop();
  }

  /**
   * Keeps `dir` for another job if it is empty; false when it is to be
   * removed. Read on the calling thread, at most one batch of entries: an
   * empty directory is an open, two getdents and a close, cheaper than the
   * thread-pool round trip a readdir took per element of a wide scatter.
   */
  keep(dir: string): boolean {
    if (!isEmptyDirectory(dir)) return false;
    this.#free.push(dir);
    return true;
  }

  /** Removes the directories no job took. */
  async removeAll(): Promise<void> {
    await removeTrees(this.#free.splice(0));
  }
}

/** Whether `dir` is a directory with nothing in it; false when it cannot be read. */
function isEmptyDirectory(dir: string): boolean {
  let handle;
  try {
    handle = opendirSync(dir);
    return handle.readSync() === null;
  } catch {
    return false;
  } finally {
    handle?.closeSync();
  }
}
