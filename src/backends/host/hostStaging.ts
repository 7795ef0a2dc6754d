import { realpathSync } from 'node:fs';
import { cp, mkdir, realpath, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PermanentFailure } from '../../errors.js';
import { HostReadRefused, checkHostEntry, deniedRoots, isWithin } from '../../files/hostEntry.js';
import type { StagingEntry } from '../../job/staging.js';
import type { PlacedEntry } from '../../job/pathMapping.js';

/**
 * Realizes staging entries at their targets on the host (a host process, or
 * a pod that sees the engine's own paths): read-only inputs as symlinks,
 * writable ones as copies.
 */
export async function stageOnHost(entries: readonly StagingEntry[], roots: readonly string[]): Promise<void> {
  for (const entry of entries) {
    await checkSource(entry);
    await assertInside(path.dirname(entry.target), roots);
    await mkdir(path.dirname(entry.target), { recursive: true });
    switch (entry.kind) {
      case 'link':
        // Replace an earlier entry at the same name; unlink never follows a symlink.
        await unlink(entry.target).catch(() => undefined);
        await symlink(entry.source, entry.target);
        break;
      case 'copy':
        await copyThroughGate(entry.source, entry.target);
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
 * What is linked, mounted or copied for a job passes the reading gate: an
 * InitialWorkDir entry an expression made up (`{class: File, location:
 * /var/run/secrets/…/token}`) is a read the engine would make for the
 * document, into a place the tool can see. A source that is not there stays
 * a dangling link, as before.
 */
async function checkSource(entry: StagingEntry): Promise<void> {
  if (entry.kind !== 'link' && entry.kind !== 'copy') return;
  try {
    await checkHostEntry(entry.source, `staging ${entry.target}: source`);
  } catch (error) {
    if (error instanceof HostReadRefused && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return;
    throw error;
  }
}

/** A copy that follows links (as staging always has), each entry checked against the engine's own files on the way. */
async function copyThroughGate(source: string, target: string): Promise<void> {
  await cp(source, target, {
    recursive: true, dereference: true, force: true,
    filter: (from) => {
      let real: string;
      try { real = realpathSync.native(from); } catch { return true; }
      if (isWithin(real, deniedRoots())) throw new HostReadRefused(`staging ${target}: ${from} (it resolves to ${real}) is one of the engine's own files; it is never copied for a document`);
      return true;
    },
  });
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
 * Makes what a container sees of a job's staging plan that is not a link,
 * where the job's path map placed it: under the output directory in the host
 * output directory, elsewhere under the host staging directory (the map then
 * mounts it, and collecting outputs finds it there too). Links are bind
 * mounts, only checked here.
 */
export async function stageForContainer(placed: readonly PlacedEntry[], dirs: { readonly hostOutdir: string; readonly hostStageDir: string }): Promise<void> {
  for (const { entry, host, mounted } of placed) {
    await checkSource(entry);
    if (entry.kind === 'link') continue;
    if (mounted) await mkdir(dirs.hostStageDir, { recursive: true });
    await assertInside(path.dirname(host), [mounted ? dirs.hostStageDir : dirs.hostOutdir]);
    await mkdir(path.dirname(host), { recursive: true });
    await make(entry, host);
  }
}

async function make(entry: Exclude<StagingEntry, { kind: 'link' }>, host: string): Promise<void> {
  if (entry.kind === 'copy') await copyThroughGate(entry.source, host);
  else if (entry.kind === 'write') await writeFile(host, entry.contents);
  else await mkdir(host, { recursive: true });
}
