import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryValue, FileOrDirectory, LoadListing } from '../model/types.js';
import { HostReadRefused, checkHostEntry, deniedRoots, isWithin, type ReadScope } from './hostEntry.js';
import { pathToUri } from './uri.js';
import { splitName } from './names.js';

/** Deeper than any real data set, shallow enough that a walk can never exhaust the stack or the heap. */
export const MAX_LISTING_DEPTH = 256;

interface Walk {
  readonly depth: LoadListing;
  readonly where: string;
  readonly scope: ReadScope | undefined;
  /** Real paths of the directories from the top of the walk down to here: a link back to one is a loop. */
  readonly ancestors: ReadonlySet<string>;
  readonly level: number;
}

/**
 * Lists a host directory as CWL objects, one level or recursively, through
 * the gate: the directory itself is checked like any read, every symlink in
 * it must resolve inside `scope` (a listing shows names and sizes, so a link
 * to /root would show /root), a link back to a directory being listed is
 * refused (it would never end), and the depth is bounded.
 */
export async function listDirectory(dirPath: string, depth: LoadListing, where = 'listing of', scope?: ReadScope): Promise<FileOrDirectory[]> {
  if (depth === 'no_listing') return [];
  const top = await checkHostEntry(dirPath, where, scope);
  if (top.kind !== 'Directory') throw new HostReadRefused(`${where} ${dirPath} is a file, but a Directory was expected`);
  return listLevel(dirPath, { depth, where, scope, ancestors: new Set([top.real]), level: 1 });
}

async function listLevel(dirPath: string, walk: Walk): Promise<FileOrDirectory[]> {
  if (walk.level > MAX_LISTING_DEPTH) throw new HostReadRefused(`${walk.where} ${dirPath} is nested more than ${MAX_LISTING_DEPTH} directories deep`);
  const entries = await readdir(dirPath, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: FileOrDirectory[] = [];
  for (const entry of entries) {
    const full = path.join(dirPath, entry.name);
    const linked = entry.isSymbolicLink() ? await linkTarget(full, walk) : undefined;
    // A dangling link is listed as the File it names, as before: collecting it reports it missing.
    const isDir = linked ? linked.isDir : entry.isDirectory();
    if (isDir) {
      const d: DirectoryValue = { class: 'Directory', location: pathToUri(full), path: full, basename: entry.name };
      if (walk.depth === 'deep_listing') {
        const real = linked?.real ?? path.join([...walk.ancestors].at(-1)!, entry.name);
        if (walk.ancestors.has(real)) throw new HostReadRefused(`${walk.where} ${full} is a link back to ${real}, which holds it: a directory loop`);
        d.listing = await listLevel(full, { ...walk, ancestors: new Set([...walk.ancestors, real]), level: walk.level + 1 });
      }
      out.push(d);
    } else {
      const size = linked?.size ?? (await stat(full).catch(() => undefined))?.size ?? 0;
      out.push({ class: 'File', location: pathToUri(full), path: full, basename: entry.name, dirname: dirPath, ...splitName(entry.name), size });
    }
  }
  return out;
}

/** Where a symlink in a listing leads, checked against the scope; undefined when it leads nowhere. */
async function linkTarget(link: string, walk: Walk): Promise<{ isDir: boolean; real: string; size: number } | undefined> {
  const real = await realpath(link).catch(() => undefined);
  if (real === undefined) return undefined;
  if (isWithin(real, deniedRoots())) throw new HostReadRefused(`${walk.where} symlink ${link} (it resolves to ${real}) leads to the engine's own files; it is never read for a document`);
  if (walk.scope && !(await walk.scope.allows(real))) {
    throw new HostReadRefused(`${walk.where} symlink ${link} (it resolves to ${real}) is outside ${walk.scope.description}`);
  }
  const info = await stat(real);
  return { isDir: info.isDirectory(), real, size: info.size };
}
