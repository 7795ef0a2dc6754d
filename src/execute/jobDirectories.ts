import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PathLayout } from '../backends/backend.js';
import type { JobDirectories } from '../job/commandLineJob.js';

/** A new directory from a scratch prefix: a prefix ending in `/` is the directory to make it in. */
export async function makeTempDir(prefix: string): Promise<string> {
  await mkdir(prefix.endsWith('/') ? prefix : path.dirname(prefix), { recursive: true });
  return mkdtemp(prefix);
}

/**
 * Where one attempt at a tool run keeps its files; outdir is kept until
 * outputs are relocated. The staging directory is only named here: it is
 * created when something is staged, which most small jobs never need.
 */
export async function makeJobDirs(prefixes: { readonly tmpdir: string; readonly tmpOutdir: string }, layout: PathLayout): Promise<JobDirectories> {
  const hostTmpdir = await makeTempDir(prefixes.tmpdir);
  const hostOutdir = await makeTempDir(prefixes.tmpOutdir);
  const podTmpdir = layout.privateTmpdir(prefixes.tmpdir);
  // Staged inputs must be where the process can see them: beside the output
  // directory when the scratch space is the backend's own.
  if (podTmpdir !== undefined) return { hostOutdir, hostTmpdir, hostStageDir: `${hostOutdir}.stage`, podTmpdir };
  return { hostOutdir, hostTmpdir, hostStageDir: `${hostTmpdir}.stage` };
}

/**
 * Removes an attempt's scratch space, and its output directory unless its
 * outputs are used: a failed or cancelled attempt's outputs never are.
 */
export async function removeJobDirs(dirs: JobDirectories, staged: boolean, keepOutdir: boolean, jobOutdirs: Set<string>): Promise<void> {
  await rm(dirs.hostTmpdir, { recursive: true, force: true });
  if (staged) await rm(dirs.hostStageDir, { recursive: true, force: true });
  if (!keepOutdir) {
    jobOutdirs.delete(dirs.hostOutdir);
    await rm(dirs.hostOutdir, { recursive: true, force: true });
  }
}
