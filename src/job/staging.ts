import { cp, mkdir, realpath, symlink, unlink, writeFile } from 'node:fs/promises';
import { PermanentFailure } from '../errors.js';
import path from 'node:path';

/**
 * What must exist at a path the process sees before it starts. The same plan
 * is realized as symlinks/copies on the host, or as bind mounts in a container.
 */
export type StagingEntry =
  | { readonly kind: 'link'; readonly source: string; readonly target: string; readonly writable: boolean }
  | { readonly kind: 'copy'; readonly source: string; readonly target: string }
  | { readonly kind: 'write'; readonly contents: string; readonly target: string; readonly writable: boolean }
  | { readonly kind: 'mkdir'; readonly target: string };

/** A bind mount for a container backend. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readonly: boolean;
}

/**
 * Realizes staging entries directly on the host (local process backend):
 * read-only inputs as symlinks, writable ones as copies.
 */
export async function stageOnHost(entries: readonly StagingEntry[], roots: readonly string[]): Promise<void> {
  for (const entry of entries) {
    await assertInside(path.dirname(entry.target), roots);
    await mkdir(path.dirname(entry.target), { recursive: true });
    switch (entry.kind) {
      case 'link':
        // Replace an earlier entry at the same name; unlink never follows a symlink.
        await unlink(entry.target).catch(() => undefined);
        await symlink(entry.source, entry.target);
        break;
      case 'copy':
        await cp(entry.source, entry.target, { recursive: true, dereference: true, force: true });
        break;
      case 'write':
        await writeFile(entry.target, entry.contents);
        break;
      case 'mkdir':
        await mkdir(entry.target, { recursive: true });
        break;
    }
  }
}

/**
 * Staging writes only inside the job's own directories: a path that reaches
 * elsewhere through a symlink staged earlier (an input directory) is refused,
 * so that nothing is ever written into, or removed from, a user's data.
 */
async function assertInside(dir: string, roots: readonly string[]): Promise<void> {
  // The nearest existing ancestor decides: checked before anything is created.
  let existing = dir;
  let real: string | undefined;
  while (real === undefined) {
    try {
      real = await realpath(existing);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) throw new PermanentFailure(`cannot stage into ${dir}`);
      existing = parent;
    }
  }
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
  if (!realRoots.some((r) => real === r || real.startsWith(r + '/'))) {
    throw new PermanentFailure(`staging ${dir} would write outside the job's directories (into ${real})`);
  }
}

/**
 * Realizes staging entries for a container: anything under the container's
 * output directory is materialized in the host output directory (copies, so
 * that outputs never point outside it); everything else is a bind mount, with
 * literals written to a host staging directory first.
 */
export async function stageForContainer(
  entries: readonly StagingEntry[], containerOutdir: string, hostOutdir: string, hostStageDir: string,
): Promise<Mount[]> {
  const mounts: Mount[] = [];
  let literal = 0;
  const underOutdir = (target: string): string | undefined => {
    const rel = path.posix.relative(containerOutdir, target);
    return rel.startsWith('..') || path.posix.isAbsolute(rel) ? undefined : path.join(hostOutdir, rel);
  };
  for (const entry of entries) {
    const hostTarget = underOutdir(entry.target);
    if (hostTarget) {
      await assertInside(path.dirname(hostTarget), [hostOutdir]);
      await mkdir(path.dirname(hostTarget), { recursive: true });
    }
    switch (entry.kind) {
      case 'link':
        // A writable link is an in-place update (InplaceUpdateRequirement): mount read-write.
        mounts.push({ source: entry.source, target: entry.target, readonly: !entry.writable });
        break;
      case 'copy':
        if (hostTarget) {
          await cp(entry.source, hostTarget, { recursive: true, dereference: true, force: true });
        } else {
          const copyPath = path.join(hostStageDir, `copy${literal++}`, path.posix.basename(entry.target));
          await mkdir(path.dirname(copyPath), { recursive: true });
          await cp(entry.source, copyPath, { recursive: true, dereference: true });
          mounts.push({ source: copyPath, target: entry.target, readonly: false });
        }
        break;
      case 'write':
        if (hostTarget) {
          await writeFile(hostTarget, entry.contents);
        } else {
          const file = path.join(hostStageDir, `literal${literal++}`, path.posix.basename(entry.target));
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, entry.contents);
          mounts.push({ source: file, target: entry.target, readonly: !entry.writable });
        }
        break;
      case 'mkdir':
        if (hostTarget) await mkdir(hostTarget, { recursive: true });
        else {
          const dir = path.join(hostStageDir, `dir${literal++}`);
          await mkdir(dir, { recursive: true });
          mounts.push({ source: dir, target: entry.target, readonly: false });
        }
        break;
    }
  }
  return mounts;
}
