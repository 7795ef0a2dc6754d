import { cp, copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileOrDirectory } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { uriToPath } from '../files/uri.js';
import { isPlainName } from '../files/remoteInputs.js';

/** Completes one entry given by location (checked, downloaded if remote), as the job object's Files are. */
export type PrepareEntry = (entry: FileOrDirectory) => Promise<FileOrDirectory>;

/**
 * Writes a Directory literal's listing into the empty directory `dir`:
 * File literals by their contents, nested literals as directories, entries
 * given by location copied. A workflow's steps and outputs then take the
 * Directory by location, as cwltool materializes it.
 */
export async function writeDirectoryLiteral(
  listing: readonly FileOrDirectory[], dir: string, prepare: PrepareEntry, where: string,
): Promise<void> {
  for (const entry of listing) {
    const literal = !entry.location;
    const given = literal ? entry : await prepare(entry);
    const name = given.basename ?? '';
    if (!isPlainName(name)) throw new ValidationError(`${where}: a Directory literal's entry needs a basename that is one plain name, not '${name}'`);
    const target = path.join(dir, name);
    if (given.class === 'File' && literal) {
      if (typeof given.contents !== 'string') throw new ValidationError(`${where}: File '${name}' in a Directory literal has neither location nor contents`);
      await writeFile(target, given.contents, { flag: 'wx' });
    } else if (given.class === 'File') {
      await copyFile(uriToPath(given.location!), target);
    } else if (literal) {
      await mkdir(target);
      await writeDirectoryLiteral(given.listing ?? [], target, prepare, where);
    } else {
      await cp(uriToPath(given.location!), target, { recursive: true, errorOnExist: true, force: false });
    }
  }
}

/** A listing read back from what writeDirectoryLiteral wrote, in the order the literal gave its entries (as cwltool keeps it). */
export function inGivenOrder(listed: readonly FileOrDirectory[], given: readonly FileOrDirectory[]): FileOrDirectory[] {
  const byName = new Map(listed.map((e) => [e.basename, e]));
  return given.flatMap((g) => {
    const entry = byName.get(g.basename ?? '');
    if (!entry) return [];
    if (entry.class === 'Directory' && g.class === 'Directory' && entry.listing && g.listing) return [{ ...entry, listing: inGivenOrder(entry.listing, g.listing) }];
    return [entry];
  });
}
