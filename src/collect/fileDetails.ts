import { stat, writeFile, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryValue, FileOrDirectory, FileValue } from '../model/types.js';
import { forEachFileAsync } from '../model/fileWalk.js';
import { PermanentFailure, fileProblem } from '../errors.js';
import { sha1HostFile, smallFileDigest } from '../files/hostRead.js';
import { listDirectory } from '../files/listing.js';
import { splitName } from '../files/names.js';
import { pathToUri, uriToPath } from '../files/uri.js';
import type { FileBoundary } from './fileBoundary.js';

/**
 * Completes output Files and Directories in place: size, sha1 checksum,
 * derived names, deep listings; File literals are written to `literalDir`.
 */
export async function finalizeFiles(value: unknown, literalDir: string, where: string, scope: FileBoundary): Promise<void> {
  // A Directory's listing is replaced by its deep listing first, then walked.
  await forEachFileAsync(value, (f) => (f.class === 'File' ? finalizeFile(f, literalDir, where, scope) : finalizeDirectory(f, literalDir, where, scope)));
}

async function finalizeFile(file: FileValue, literalDir: string, where: string, scope: FileBoundary): Promise<void> {
  if (!file.location && typeof file.path === 'string') file.location = pathToUri(file.path);
  if (!file.location) {
    const dir = await mkdtemp(path.join(literalDir, 'literal-'));
    const p = path.join(dir, file.basename ?? 'literal');
    await writeFile(p, String(file.contents ?? ''));
    file.location = pathToUri(p);
  }
  const p = uriToPath(file.location);
  const { size, sha1 } = await sizeAndSha1(p, where, scope);
  file.path = p;
  file.basename = file.basename ?? path.basename(p);
  Object.assign(file, splitName(file.basename));
  file.dirname = path.dirname(p);
  file.size = size;
  file.checksum = `sha1$${sha1}`;
}

/**
 * A small regular file at once on the calling thread (most outputs), a larger
 * one through a handle; both through the gate, so a FIFO, a device or a file
 * swapped for a link out of the step's directories is refused, not read.
 */
async function sizeAndSha1(p: string, where: string, scope: FileBoundary): Promise<{ size: number; sha1: string }> {
  return smallFileDigest(p, `${where}: output file`, scope) ?? sha1HostFile(p, `${where}: output file`, scope);
}

async function finalizeDirectory(dir: DirectoryValue, literalDir: string, where: string, scope: FileBoundary): Promise<void> {
  if (!dir.location && typeof dir.path === 'string') dir.location = pathToUri(dir.path);
  if (!dir.location) {
    const p = await mkdtemp(path.join(literalDir, 'literal-'));
    const target = path.join(p, dir.basename ?? 'dir');
    const { mkdir, cp } = await import('node:fs/promises');
    await mkdir(target, { recursive: true });
    for (const entry of dir.listing ?? []) {
      if (entry.location) await cp(uriToPath(entry.location), path.join(target, entry.basename ?? path.basename(uriToPath(entry.location))), { recursive: true });
      else if (entry.class === 'File') await writeFile(path.join(target, entry.basename ?? 'literal'), String(entry.contents ?? ''));
    }
    dir.location = pathToUri(target);
    dir.listing = undefined;
  }
  const p = uriToPath(dir.location);
  const info = await stat(p).catch((error: unknown) => { throw new PermanentFailure(`${where}: output directory ${p}: ${fileProblem(error)}`); });
  if (!info.isDirectory()) throw new PermanentFailure(`${where}: output directory ${p}: not a directory`);
  dir.path = p;
  dir.basename = dir.basename ?? path.basename(p);
  dir.listing = await listDirectory(p, 'deep_listing', where, scope);
}

export type { FileOrDirectory };
