import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../../model/types.js';
import { mapFilesAsync } from '../../model/fileWalk.js';
import { sha1HostFile } from '../../files/hostRead.js';
import { MAX_LISTING_DEPTH } from '../../files/listing.js';
import { uriToPath } from '../../files/uri.js';

/**
 * Content checksums of the Files and Directories a step is given, for its
 * cache key. A checksum a File carries is not trusted: a step with
 * InplaceUpdateRequirement may have changed the file since it was computed.
 * Each file is hashed once per run for the same (device, inode, size,
 * mtime), so a wide scatter over one input reads it once. A Directory's
 * checksum covers its whole tree: names, kinds and file contents.
 */
export class ContentChecksums {
  readonly #memo = new Map<string, Promise<string>>();

  /** A copy of `value` whose Files and Directories all carry a `checksum`. */
  fill(value: unknown): Promise<unknown> {
    return mapFilesAsync(value, (f) => this.#fillOne(f));
  }

  async #fillOne(value: FileOrDirectory): Promise<FileOrDirectory> {
    const out: FileOrDirectory = { ...value };
    // A literal (no location, or a blank node `_:` id): its contents or listing are the key.
    if (!value.location || value.location.startsWith('_:')) return out;
    // Anything not on this file system (a URI the engine fetches) counts by its address.
    if (!value.location.startsWith('file:') && !value.location.startsWith('/')) return { ...out, checksum: `uri$${value.location}` };
    const p = value.location.startsWith('/') ? value.location : uriToPath(value.location);
    // A file that cannot be read is keyed as such: the run itself reports it when a step reads it.
    out.checksum = await this.#checksum(p, out.class === 'Directory').catch(() => 'missing');
    return out;
  }

  /** `ancestors`: the directories being digested above `p` (device:inode), so a link back to one is a loop, not a recursion without end. */
  async #checksum(p: string, directory: boolean, ancestors: ReadonlySet<string> = new Set()): Promise<string> {
    const info = await stat(p);
    if (directory !== info.isDirectory()) throw new Error(`${p} is not a ${directory ? 'directory' : 'file'}`);
    const id = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    // A directory's own mtime misses changes deeper down: only files are remembered.
    if (directory) {
      const self = `${info.dev}:${info.ino}`;
      if (ancestors.has(self) || ancestors.size >= MAX_LISTING_DEPTH) return 'loop';
      return this.#treeDigest(p, new Set([...ancestors, self]));
    }
    let known = this.#memo.get(id);
    if (!known) {
      known = sha1HostFile(p, 'work reuse: checksum of').then((h) => `sha1$${h.sha1}`);
      this.#memo.set(id, known);
      known.catch(() => this.#memo.delete(id));
    }
    return known;
  }

  async #treeDigest(dir: string, ancestors: ReadonlySet<string>): Promise<string> {
    const names = (await readdir(dir)).sort();
    const hash = createHash('sha1');
    for (const name of names) {
      const full = path.join(dir, name);
      const info = await stat(full).catch(() => undefined);
      // A dangling link holds nothing; its name still counts.
      const sum = info === undefined ? 'dangling' : await this.#checksum(full, info.isDirectory(), ancestors);
      hash.update(`${JSON.stringify(name)} ${sum}\n`);
    }
    return `tree$${hash.digest('hex')}`;
  }
}
