import path from 'node:path';
import type { CwlVersion, FileOrDirectory, Requirement } from '../model/types.js';
import { isFileOrDirectory, isPlainObject } from '../model/types.js';
import { UnsupportedRequirementError, ValidationError } from '../errors.js';
import { uriToPath } from '../files/uri.js';
import type { StagingEntry } from '../job/staging.js';
import { cwlJsonDumps } from '../expressions/index.js';

/** Evaluates a field; `keepWhitespace` for Dirent entries, whose text is taken verbatim. */
export type Evaluate = (text: unknown, self?: unknown, keepWhitespace?: boolean) => Promise<unknown>;

export interface InitialWorkDirPlan {
  readonly entries: StagingEntry[];
  /** Input locations now visible inside the output directory, and where. */
  readonly relocated: Map<string, string>;
}

interface Item { value: unknown; entryname?: string; writable: boolean }

export interface InitialWorkDirOptions {
  readonly outdir: string;
  readonly absolute: AbsoluteEntrynames;
  readonly inplaceUpdate: boolean;
  /** The version the tool was written in: the listing's meaning grew in v1.1 and v1.2. */
  readonly version: CwlVersion;
  readonly where: string;
}

/**
 * Evaluates InitialWorkDirRequirement's listing into staging entries under the
 * output directory (or, in a container, at absolute paths).
 */
export async function planInitialWorkDir(
  req: Requirement | undefined, evaluate: Evaluate, options: InitialWorkDirOptions,
): Promise<InitialWorkDirPlan> {
  const { outdir, absolute, inplaceUpdate, version, where } = options;
  const plan: InitialWorkDirPlan = { entries: [], relocated: new Map() };
  if (!req) return plan;
  const items: Item[] = [];
  const listing = typeof req.listing === 'string' ? await evaluate(req.listing) : req.listing;
  if (typeof req.listing === 'string') checkListingResult(listing, version, where);
  for (const raw of Array.isArray(listing) ? listing.flat() : [listing]) {
    if (raw === null || raw === undefined) continue;
    if (typeof raw === 'string') {
      const v = await evaluate(raw);
      for (const x of Array.isArray(v) ? v.flat(Infinity) : [v]) if (x !== null && x !== undefined) items.push({ value: x, writable: false });
    } else if (isPlainObject(raw) && 'entry' in raw) {
      const entry = await evaluate(raw.entry, null, true);
      const entryname = raw.entryname === undefined ? undefined : String(await evaluate(raw.entryname));
      const writable = raw.writable === true;
      if (entry === null || entry === undefined) continue;
      if (typeof raw.entry === 'string' && isExpressionOnly(raw.entry) && typeof entry !== 'string' && !isFileOrDirectory(entry)) {
        checkDirentResult(entry, version, where);
        if (Array.isArray(entry) && entry.every(isFileOrDirectory) && entryname === undefined) {
          for (const e of entry) items.push({ value: e, writable });
          continue;
        }
        items.push({ value: cwlJsonDumps(entry), entryname, writable });
        continue;
      }
      items.push({ value: typeof entry === 'string' ? entry : entry, entryname, writable });
    } else if (isPlainObject(raw)) {
      items.push({ value: raw, writable: false });
    }
  }
  for (const item of items) {
    const value = item.value;
    if (typeof value === 'string') {
      if (item.entryname === undefined) throw new ValidationError(`${where}: InitialWorkDirRequirement entry with literal contents needs an 'entryname'`);
      plan.entries.push({ kind: 'write', contents: value, target: targetPath(item.entryname, outdir, absolute, where, version), writable: item.writable });
    } else if (isFileOrDirectory(value)) {
      const name = item.entryname ?? value.basename ?? path.posix.basename(uriToPath(value.location ?? ''));
      const target = targetPath(name, outdir, absolute, where, version);
      addStaged(plan, value, target, item.writable, inplaceUpdate);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      if (item.entryname === undefined) throw new ValidationError(`${where}: InitialWorkDirRequirement entry needs an 'entryname'`);
      plan.entries.push({ kind: 'write', contents: cwlJsonDumps(value), target: targetPath(item.entryname, outdir, absolute, where, version), writable: item.writable });
    } else {
      throw new ValidationError(`${where}: InitialWorkDirRequirement entry must be a File, Directory, Dirent or string, got ${JSON.stringify(value)}`);
    }
  }
  return plan;
}

/**
 * What a Dirent's `entry` expression may return before v1.2, as cwltool
 * enforces it: v1.2 writes any other value as JSON, earlier versions fail,
 * and v1.0 has no arrays of Files or Directories either.
 */
function checkDirentResult(entry: unknown, version: CwlVersion, where: string): void {
  if (version === 'v1.2') return;
  const files = Array.isArray(entry) && entry.every(isFileOrDirectory);
  if (files && version === 'v1.1') return;
  const what = files ? 'an array of Files or Directories' : `${JSON.stringify(entry)}, which is not a string, File or Directory`;
  throw new ValidationError(
    `${where}: InitialWorkDirRequirement entry evaluated to ${what}; that needs cwlVersion ${files ? 'v1.1' : 'v1.2 (which writes it as JSON)'}, but the tool declares ${version}`,
  );
}

/** What a whole-listing expression may return before v1.2: no nulls, and in v1.0 no nested arrays. */
function checkListingResult(listing: unknown, version: CwlVersion, where: string): void {
  if (version === 'v1.2' || !Array.isArray(listing)) return;
  if (listing.some((e) => e === null)) {
    throw new ValidationError(`${where}: InitialWorkDirRequirement listing evaluated to a list with null in it; that needs cwlVersion v1.2, but the tool declares ${version}`);
  }
  if (version === 'v1.0' && listing.some(Array.isArray)) {
    throw new ValidationError(`${where}: InitialWorkDirRequirement listing evaluated to a list with arrays in it; that needs cwlVersion v1.1, but the tool declares v1.0`);
  }
}

function isExpressionOnly(text: string): boolean {
  const t = text.trim();
  return (t.startsWith('$(') && t.endsWith(')')) || (t.startsWith('${') && t.endsWith('}'));
}

/**
 * Whether an entryname may be an absolute path: only in a container of the
 * tool's own (DockerRequirement under `requirements`), and not in a step pod,
 * which sees the claims at the engine's paths and nothing staged elsewhere.
 */
export type AbsoluteEntrynames = 'allowed' | 'needs-docker' | 'not-in-pods';

function targetPath(entryname: string, outdir: string, absolute: AbsoluteEntrynames, where: string, version: CwlVersion): string {
  if (path.posix.isAbsolute(entryname)) {
    if (version !== 'v1.2') throw new ValidationError(`${where}: InitialWorkDirRequirement entryname '${entryname}' is an absolute path, which needs cwlVersion v1.2, but the tool declares ${version}`);
    if (absolute === 'not-in-pods') {
      throw new UnsupportedRequirementError(`${where}: InitialWorkDirRequirement entryname '${entryname}' is an absolute path; on Kubernetes a step pod sees only its claims, at the engine's own paths, so entries must be relative to the output directory (runtime.outdir)`);
    }
    if (absolute === 'needs-docker') throw new ValidationError(`${where}: InitialWorkDirRequirement entryname '${entryname}' is an absolute path, which needs DockerRequirement under 'requirements'`);
    return entryname;
  }
  const target = path.posix.normalize(path.posix.join(outdir, entryname));
  if (target !== outdir && !target.startsWith(outdir + '/')) {
    throw new ValidationError(`${where}: InitialWorkDirRequirement entryname '${entryname}' is outside the output directory`);
  }
  return target;
}

function addStaged(plan: InitialWorkDirPlan, value: FileOrDirectory, target: string, writable: boolean, inplace: boolean): void {
  if (!value.location) {
    if (value.class === 'File') {
      plan.entries.push({ kind: 'write', contents: String(value.contents ?? ''), target, writable });
    } else {
      plan.entries.push({ kind: 'mkdir', target });
      for (const child of value.listing ?? []) {
        addStaged(plan, child, path.posix.join(target, child.basename ?? path.posix.basename(uriToPath(child.location ?? ''))), writable, inplace);
      }
    }
    return;
  }
  const source = uriToPath(value.location);
  if (writable && !inplace) plan.entries.push({ kind: 'copy', source, target });
  else plan.entries.push({ kind: 'link', source, target, writable: writable && inplace });
  plan.relocated.set(value.location, target);
  if (value.class === 'File') {
    for (const s of value.secondaryFiles ?? []) {
      if (s.location) {
        const st = path.posix.join(path.posix.dirname(target), s.basename ?? path.posix.basename(uriToPath(s.location)));
        plan.entries.push(writable && !inplace ? { kind: 'copy', source: uriToPath(s.location), target: st } : { kind: 'link', source: uriToPath(s.location), target: st, writable: writable && inplace });
        plan.relocated.set(s.location, st);
      }
    }
  }
}
