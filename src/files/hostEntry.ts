import { closeSync, constants, fstatSync, openSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError, fileProblem } from '../errors.js';

/**
 * The one gate for every host file the engine reads on behalf of a document:
 * documents and what they `$import`/`$include`, job files, input and output
 * Files and Directories, their contents, listings and checksums. A document
 * is hostile input, so the gate looks at what it actually opened, not at a
 * path resolved earlier:
 *
 * - only regular files and directories are opened at all (a FIFO would block
 *   a thread-pool thread forever, a device can be endless or have side
 *   effects on open), and the type is checked again on the open descriptor;
 * - the real path comes from the open descriptor (`/proc/self/fd`), so no
 *   symlink swapped in between a check and the read leads elsewhere;
 * - that real path must lie inside the caller's scope (a step's outputs: its
 *   own directories and its inputs) and never under the engine's own secrets
 *   (`/proc`, `/sys`, `/dev`, service-account tokens, the kubeconfig in use);
 * - reads are bounded by the bytes actually read (hostRead.ts), never by a
 *   size a `stat` reported.
 */

/** Where the real path of an entry must lie; the collect stage's FileBoundary is one. */
export interface ReadScope {
  allows(real: string): boolean | Promise<boolean>;
  /** What the scope is, for the refusal: "the step's output directory and its inputs". */
  readonly description: string;
}

/** A read the gate refused: one line naming what was read, for whom, and why. Exit 1. */
export class HostReadRefused extends ValidationError {}

export type EntryKind = 'File' | 'Directory';

/** An entry the gate let through: its kind, real path and size as seen on the open descriptor. */
export interface CheckedEntry {
  readonly kind: EntryKind;
  readonly real: string;
  readonly size: number;
}

const DENIED_ROOTS = ['/proc', '/sys', '/dev', '/run/secrets', '/var/run/secrets'];

let deniedCache: readonly string[] | undefined;
let engineCredentials: readonly string[] = [];

/**
 * Names the engine's own credential files beyond ~/.kube (the kubeconfigs
 * KUBECONFIG lists, which the CLI reads): every read gate on every thread
 * consults them, so they are set once per thread (a load worker is handed
 * them) rather than passed through each reader.
 */
export function protectEngineCredentials(files: readonly string[]): void {
  engineCredentials = [...files];
  deniedCache = undefined;
}

/** The files protectEngineCredentials named, to hand to another thread. */
export function protectedEngineCredentials(): readonly string[] {
  return engineCredentials;
}

/** Real paths the engine never reads for a document, whatever its scope. */
export function deniedRoots(): readonly string[] {
  if (deniedCache) return deniedCache;
  const list = new Set(DENIED_ROOTS);
  // The engine's own credentials: its kubeconfig(s) and the in-cluster service account.
  const kubeconfigs = [...engineCredentials, path.join(os.homedir(), '.kube')];
  for (const p of kubeconfigs) {
    list.add(path.resolve(p));
    try { list.add(realpathOf(p)); } catch { /* not there: nothing to protect */ }
  }
  for (const p of ['/var/run/secrets', '/run/secrets']) {
    try { list.add(realpathOf(p)); } catch { /* not in a pod */ }
  }
  deniedCache = [...list];
  return deniedCache;
}

function realpathOf(p: string): string {
  return realpathSync.native(p);
}

export function isWithin(real: string, roots: readonly string[]): boolean {
  return roots.some((r) => real === r || real.startsWith(r === '/' ? r : `${r}/`));
}

/** What a non-regular entry is, in a user's words. */
function describeKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file or directory';
}

/** `where` names the read ("wf/s: output 'out': output file"), then the path and why. */
function refuse(where: string, p: string, why: string): HostReadRefused {
  return new HostReadRefused(`${where} ${p} ${why}`);
}

/** Refuses a stat of anything but a regular file or a directory, before anything opens it. */
export function kindOf(info: Stats, p: string, where: string): EntryKind {
  if (info.isFile()) return 'File';
  if (info.isDirectory()) return 'Directory';
  throw refuse(where, p, `is ${describeKind(info)}; only regular files and directories are read`);
}

/** The real path of an open descriptor, from the kernel. */
function realOfDescriptor(fd: number, fallback: string): string {
  try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return fallback; }
}

/** `p` as the refusal shows it: with the real path the descriptor reached, when that differs. */
function shownPath(p: string, real: string): string {
  return real === p ? p : `${p} (it resolves to ${real})`;
}

/** The one check against the engine's own files, for the async and the calling-thread gate alike. */
function refuseEngineOwn(real: string, p: string, where: string): void {
  if (isWithin(real, deniedRoots())) throw refuse(where, shownPath(p, real), 'is one of the engine\'s own files (devices, /proc, /sys, credentials); it is never read for a document');
}

async function checkReal(real: string, p: string, where: string, scope: ReadScope | undefined): Promise<void> {
  refuseEngineOwn(real, p, where);
  if (scope && !(await scope.allows(real))) throw refuse(where, shownPath(p, real), `is outside ${scope.description}`);
}

function openFailed(where: string, p: string, error: unknown): HostReadRefused {
  return new HostReadRefused(`${where} ${p}: ${fileProblem(error)}`, { cause: error });
}

/**
 * Opens a regular file or a directory through the gate and hands its
 * descriptor to `use`, closing it after. Stat first (nothing else is ever
 * opened), open non-blocking, then check the descriptor's type, identity and
 * real path.
 */
export async function withHostEntry<T>(
  p: string, where: string, scope: ReadScope | undefined, use: (handle: FileHandle, entry: CheckedEntry) => Promise<T>,
): Promise<T> {
  const before = await stat(p).catch((error: unknown) => { throw openFailed(where, p, error); });
  const kind = kindOf(before, p, where);
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (kind === 'Directory' ? constants.O_DIRECTORY : 0);
  const handle = await open(p, flags).catch((error: unknown) => { throw openFailed(where, p, error); });
  try {
    const info = await handle.stat();
    if (kindOf(info, p, where) !== kind || info.ino !== before.ino || info.dev !== before.dev) throw refuse(where, p, 'changed while it was being opened');
    const real = realOfDescriptor(handle.fd, path.resolve(p));
    await checkReal(real, p, where, scope);
    return await use(handle, { kind, real, size: info.size });
  } finally {
    await handle.close();
  }
}

/** `withHostEntry` for what needs no read: the entry's kind, real path and size, checked. */
export function checkHostEntry(p: string, where: string, scope?: ReadScope): Promise<CheckedEntry> {
  return withHostEntry(p, where, scope, async (_handle, entry) => entry);
}

/**
 * The same gate on the calling thread, for the small outputs of a wide
 * scatter (a thread-pool round trip per call costs more than the calls);
 * the scope must answer at once. `use` gets the descriptor.
 */
export function withHostFileNow<T>(p: string, where: string, scope: { allowsNow(real: string): boolean; readonly description: string } | undefined, use: (fd: number, info: Stats, real: string) => T): T {
  const before = (() => { try { return statSync(p); } catch (error) { throw openFailed(where, p, error); } })();
  if (kindOf(before, p, where) !== 'File') throw refuse(where, p, 'is a directory, but a File was expected');
  let fd: number;
  try { fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY); } catch (error) { throw openFailed(where, p, error); }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.ino !== before.ino || info.dev !== before.dev) throw refuse(where, p, 'changed while it was being opened');
    const real = realOfDescriptor(fd, path.resolve(p));
    refuseEngineOwn(real, p, where);
    if (scope && !scope.allowsNow(real)) throw refuse(where, shownPath(p, real), `is outside ${scope.description}`);
    return use(fd, info, real);
  } finally {
    closeSync(fd);
  }
}
