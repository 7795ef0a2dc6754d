import { statSync } from 'node:fs';
import { stat as statAsync } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryValue, FileValue } from '../model/types.js';
import { ValidationError, fileProblem } from '../errors.js';
import { checkHostEntry, type ReadScope } from './hostEntry.js';
import { splitName } from './names.js';
import { uriToPath } from './uri.js';


/** Probes (secondary files by pattern, optional paths): whatever stops a stat means "not there" to the caller. */
export async function exists(p: string): Promise<boolean> {
  try { await statAsync(p); return true; } catch { return false; }
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
  try { return (await statAsync(p)).isDirectory(); } catch { return false; }
}

/** A stat that failed because nothing is there (rather than, say, a permission error, which is reported as one). */
function notThere(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The gate's check of an input, with "not found" worded as a missing input rather than a refused read. */
async function checkedInput(p: string, noun: string, where: string, scope?: ReadScope): ReturnType<typeof checkHostEntry> {
  try {
    await statAsync(p);
  } catch (error) {
    throw new ValidationError(`${where}: ${notThere(error) ? `${noun} not found: ${p}` : `cannot read ${p}: ${fileProblem(error)}`}`);
  }
  return checkHostEntry(p, where, scope);
}

/** Fills basename/nameroot/nameext/dirname/size of a File at a host path, checking it through the gate. */
export async function describeHostFile(file: FileValue, where: string, scope?: ReadScope): Promise<FileValue> {
  const p = uriToPath(file.location);
  const entry = await checkedInput(p, 'file', where, scope);
  if (entry.kind === 'Directory') throw new ValidationError(`${where}: ${p} is a directory, but a File was expected`);
  const basename = file.basename ?? path.basename(p);
  return { ...file, path: p, basename, dirname: path.dirname(p), ...splitName(basename), size: entry.size };
}

export async function describeHostDirectory(dir: DirectoryValue, where: string, scope?: ReadScope): Promise<DirectoryValue> {
  const p = uriToPath(dir.location);
  const entry = await checkedInput(p, 'directory', where, scope);
  if (entry.kind !== 'Directory') throw new ValidationError(`${where}: ${p} is a file, but a Directory was expected`);
  return { ...dir, path: p, basename: dir.basename ?? path.basename(p) };
}

