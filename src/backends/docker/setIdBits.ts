import { chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

const SET_ID = 0o6000;

/**
 * Clears the set-user-ID and set-group-ID bits of every regular file under
 * `dir` (a job's output directory, after its container has exited). A
 * container running as root makes files owned by the host's root: one with
 * the set-user-ID bit would be a root shell for any host user who runs it
 * from --outdir. Directories keep theirs (set-group-ID on a directory only
 * chooses the group of new files). Symlinks are never followed: only what
 * lstat calls a regular file is changed, and nothing runs in the container
 * any more to swap it.
 */
export async function clearSetIdBits(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await clearSetIdBits(file);
    } else if (entry.isFile()) {
      const { mode } = await lstat(file);
      if ((mode & SET_ID) !== 0 && (mode & 0o170000) === 0o100000) await chmod(file, mode & 0o1777);
    }
  }
}

/** Whether a container may run as the host's root: as the invoking user when that is root, or as the image's user (unknown). */
export function mayRunAsRoot(user: string | undefined): boolean {
  return user === undefined || user.split(':')[0] === '0';
}
