import type { FileOrDirectory } from './types.js';
import { isFileOrDirectory, isPlainObject } from './types.js';

/**
 * The one walk over CWL values that reaches every File and Directory: through
 * arrays and records, and (unless `descend` says no) into a File's
 * secondaryFiles and a Directory's listing. Types are not consulted: a value
 * is a File or Directory by its `class`, as everywhere in CWL.
 */
export interface FileWalkOptions {
  /** Whether to walk into this File's secondaryFiles or Directory's listing; always, when not given. */
  readonly descend?: (value: FileOrDirectory) => boolean;
}

type Nested = 'secondaryFiles' | 'listing';

function nestedKey(value: FileOrDirectory): Nested {
  return value.class === 'File' ? 'secondaryFiles' : 'listing';
}

function nestedOf(value: FileOrDirectory, options: FileWalkOptions): FileOrDirectory[] | undefined {
  if (options.descend && !options.descend(value)) return undefined;
  return value.class === 'File' ? value.secondaryFiles : value.listing;
}

/**
 * Calls `visit` for every File and Directory, parents before what they hold.
 * The nested ones are read after the visit, so a visitor may replace them.
 */
export function forEachFile(value: unknown, visit: (f: FileOrDirectory) => void, options: FileWalkOptions = {}): void {
  if (Array.isArray(value)) for (const v of value) forEachFile(v, visit, options);
  else if (isFileOrDirectory(value)) {
    visit(value);
    forEachFile(nestedOf(value, options), visit, options);
  } else if (isPlainObject(value)) for (const v of Object.values(value)) forEachFile(v, visit, options);
}

/** `forEachFile` with an async visitor, one File or Directory at a time, in document order. */
export async function forEachFileAsync(
  value: unknown, visit: (f: FileOrDirectory) => Promise<void>, options: FileWalkOptions = {},
): Promise<void> {
  if (Array.isArray(value)) for (const v of value) await forEachFileAsync(v, visit, options);
  else if (isFileOrDirectory(value)) {
    await visit(value);
    await forEachFileAsync(nestedOf(value, options), visit, options);
  } else if (isPlainObject(value)) for (const v of Object.values(value)) await forEachFileAsync(v, visit, options);
}

/**
 * A value with every File and Directory replaced by `map` of it; then what
 * the replacement holds is mapped in turn. Only the arrays and records on the
 * way to a replaced object are copied: a branch without Files is shared, and
 * the input is never changed.
 */
export function mapFiles<T>(value: T, map: (f: FileOrDirectory) => FileOrDirectory, options: FileWalkOptions = {}): T {
  return mapAny(value, map, options) as T;
}

function mapAny(value: unknown, map: (f: FileOrDirectory) => FileOrDirectory, options: FileWalkOptions): unknown {
  if (Array.isArray(value)) return sameOrNew(value, value.map((v) => mapAny(v, map, options)));
  if (isFileOrDirectory(value)) {
    const out = map(value);
    const nested = nestedOf(out, options);
    return nested === undefined ? out : withNested(out, mapAny(nested, map, options) as FileOrDirectory[]);
  }
  if (isPlainObject(value)) return sameOrNewRecord(value, Object.entries(value).map(([k, v]) => [k, mapAny(v, map, options)]));
  return value;
}

/** `mapFiles` with an async `map`, one File or Directory at a time, in document order. */
export async function mapFilesAsync<T>(
  value: T, map: (f: FileOrDirectory) => Promise<FileOrDirectory>, options: FileWalkOptions = {},
): Promise<T> {
  return (await mapAnyAsync(value, map, options)) as T;
}

async function mapAnyAsync(value: unknown, map: (f: FileOrDirectory) => Promise<FileOrDirectory>, options: FileWalkOptions): Promise<unknown> {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await mapAnyAsync(v, map, options));
    return sameOrNew(value, out);
  }
  if (isFileOrDirectory(value)) {
    const out = await map(value);
    const nested = nestedOf(out, options);
    return nested === undefined ? out : withNested(out, (await mapAnyAsync(nested, map, options)) as FileOrDirectory[]);
  }
  if (isPlainObject(value)) {
    const entries: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value)) entries.push([k, await mapAnyAsync(v, map, options)]);
    return sameOrNewRecord(value, entries);
  }
  return value;
}

function sameOrNew(before: readonly unknown[], after: unknown[]): unknown[] {
  return after.every((v, i) => v === before[i]) ? (before as unknown[]) : after;
}

function sameOrNewRecord(before: Record<string, unknown>, after: [string, unknown][]): Record<string, unknown> {
  return after.every(([k, v]) => v === before[k]) ? before : Object.fromEntries(after);
}

/** `value` holding `nested`, copied only when they differ: the object `map` returned may be an input's own. */
function withNested(value: FileOrDirectory, nested: FileOrDirectory[]): FileOrDirectory {
  const key = nestedKey(value);
  const before = (value as unknown as Record<Nested, FileOrDirectory[] | undefined>)[key];
  return before === nested ? value : ({ ...value, [key]: nested } as FileOrDirectory);
}
