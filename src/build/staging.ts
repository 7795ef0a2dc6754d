import { cp, mkdir, symlink, writeFile, rm } from 'node:fs/promises';
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
export async function stageOnHost(entries: readonly StagingEntry[]): Promise<void> {
  for (const entry of entries) {
    await mkdir(path.dirname(entry.target), { recursive: true });
    switch (entry.kind) {
      case 'link':
        await rm(entry.target, { recursive: true, force: true });
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
    switch (entry.kind) {
      case 'link':
        // A writable link is an in-place update (InplaceUpdateRequirement): mount read-write.
        mounts.push({ source: entry.source, target: entry.target, readonly: !entry.writable });
        break;
      case 'copy':
        if (hostTarget) {
          await mkdir(path.dirname(hostTarget), { recursive: true });
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
          await mkdir(path.dirname(hostTarget), { recursive: true });
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
