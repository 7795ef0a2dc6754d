import { closeSync, open as openCallback } from 'node:fs';
import { readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CommandLineJob } from '../../job/commandLineJob.js';
import { PermanentFailure, fileProblem } from '../../errors.js';

const openFd = promisify(openCallback);

/**
 * Opens a job's stdin (its host path) and checks what was opened: the file
 * the descriptor reached must be an input, or lie in the job's own
 * directories, after every symlink on the way (one inside an input directory
 * could otherwise lead the engine to any file of the host). The path itself
 * was checked against the job's staging when the job was built.
 */
export async function openStdin(job: CommandLineJob, hostPath: string): Promise<number> {
  let fd: number;
  try {
    // Through the thread pool: an input may be a FIFO, whose open waits for a writer.
    fd = await openFd(hostPath, 'r');
  } catch (error) {
    throw new PermanentFailure(`${job.name}: stdin file ${job.stdin}: ${fileProblem(error)}`);
  }
  try {
    const opened = await readlink(`/proc/self/fd/${fd}`).catch((error: unknown) => {
      throw new PermanentFailure(`${job.name}: stdin file ${job.stdin}: cannot tell which file was opened: ${fileProblem(error)}`);
    });
    const roots = [job.dirs.hostOutdir, job.dirs.hostStageDir, ...job.staging.flatMap((e) => (e.kind === 'link' ? [e.source] : []))];
    const real = await Promise.all(roots.map((r) => realpath(r).catch(() => undefined)));
    if (!real.some((r) => r !== undefined && (opened === r || opened.startsWith(r.endsWith('/') ? r : `${r}/`)))) {
      throw new PermanentFailure(`${job.name}: stdin '${job.stdin}' is not a File among the job's inputs: it leads to ${path.basename(opened)} outside them`);
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
