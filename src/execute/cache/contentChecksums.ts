import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../../model/types.js';
import { mapFilesAsync } from '../../model/fileWalk.js';
import { sha1File } from '../../load/fileSystem.js';
import { uriToPath } from '../../load/uri.js';

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

  async #checksum(p: string, directory: boolean): Promise<string> {
    const info = await stat(p);
    if (directory !== info.isDirectory()) throw new Error(`${p} is not a ${directory ? 'directory' : 'file'}`);
    // A directory's own mtime misses changes deeper down: only files are remembered.
    if (directory) return this.#treeDigest(p);
    const id = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    let known = this.#memo.get(id);
    if (!known) {
      known = sha1File(p).then((h) => `sha1$${h}`);
      this.#memo.set(id, known);
      known.catch(() => this.#memo.delete(id));
    }
    return known;
  }

  async #treeDigest(dir: string): Promise<string> {
    const names = (await readdir(dir)).sort();
    const hash = createHash('sha1');
    for (const name of names) {
      const full = path.join(dir, name);
      const info = await stat(full).catch(() => undefined);
      // A dangling link holds nothing; its name still counts.
      const sum = info === undefined ? 'dangling' : await this.#checksum(full, info.isDirectory());
      hash.update(`${JSON.stringify(name)} ${sum}\n`);
    }
    return `tree$${hash.digest('hex')}`;
  }
}
