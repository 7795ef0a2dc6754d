import path from 'node:path';
import type {
  CwlType, DirectoryValue, FileOrDirectory, FileValue, InputParameter, LoadListing, SecondaryFileSchema,
} from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { matchType, type MatchedType } from '../model/typeMatch.js';
import { ValidationError } from '../errors.js';
import { pathToUri, uriToPath } from '../files/uri.js';
import { DownloadError } from '../files/http.js';
import { basenameOfUrl, isRemoteLocation, type RemoteInputs } from '../files/remoteInputs.js';
import { describeHostDirectory, describeHostFile, exists, isDirectory } from '../files/hostFiles.js';
import { listDirectory } from '../files/listing.js';
import { readContents } from '../files/hostRead.js';
import { splitName } from '../files/names.js';
import { secondaryCandidates, type EvaluateWithSelf } from '../job/secondaryFiles.js';
import { checkFormat, type Ontologies } from '../load/formats.js';
import { expandFormat } from '../load/types.js';
import { expectStrings } from '../expressions/resultTypes.js';
import { inGivenOrder, writeDirectoryLiteral } from './directoryLiterals.js';

interface FileProps {
  readonly secondaryFiles?: readonly SecondaryFileSchema[];
  readonly format?: string | readonly string[];
  readonly loadContents?: boolean;
  readonly loadListing?: LoadListing;
}

export interface InputFileContext {
  readonly evaluate: EvaluateWithSelf;
  /** From LoadListingRequirement; a parameter's own loadListing wins. */
  readonly defaultListing: LoadListing;
  readonly ontologies: Ontologies;
  /**
   * Look for secondary files on disk (the job object of the top-level process);
   * inside a workflow they must already be attached to the File, as in cwltool.
   */
  readonly discoverSecondaryFiles: boolean;
  /** `$namespaces` of the document, to expand prefixed formats in job objects. */
  readonly namespaces: Readonly<Record<string, string>>;
  readonly where: string;
  /** Fetches `http(s)://` locations, once per run. */
  readonly remote: RemoteInputs;
  /**
   * Write File literals to files (a workflow's inputs: its steps and outputs
   * take Files by location); a tool's literals are written by its staging.
   */
  readonly writeLiterals?: boolean;
}

/**
 * Completes every File and Directory in a job object: checks that it exists,
 * fills its derived fields, discovers secondaryFiles, loads contents and
 * listings, and checks formats — all as the input schema asks.
 */
export async function prepareInputFiles(
  params: readonly InputParameter[], inputs: Record<string, unknown>, ctx: InputFileContext,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...inputs };
  for (const p of params) {
    out[p.id] = await prepareValue(p.type, inputs[p.id], p, { ...ctx, where: `${ctx.where}: input '${p.id}'` });
  }
  return out;
}

/** `value` completed as `type` asks (a value that is no instance of it is left as it is). */
export async function prepareValue(type: CwlType, value: unknown, props: FileProps, ctx: InputFileContext): Promise<unknown> {
  if (value === null || value === undefined) return null;
  const matched = matchType(type, value);
  return matched === undefined ? value : prepareMatched(matched, value, props, ctx);
}

/** Follows the type the value matched: its unions were resolved once, by `prepareValue`. */
async function prepareMatched(matched: MatchedType, value: unknown, props: FileProps, ctx: InputFileContext): Promise<unknown> {
  if (value === null || value === undefined) return null;
  if (matched.kind === 'array') {
    return Promise.all((value as readonly unknown[]).map((v, i) => prepareMatched(matched.items[i]!, v, props, ctx)));
  }
  if (matched.kind === 'record') {
    const o: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const f of matched.type.fields) {
      o[f.name] = await prepareMatched(matched.fields.get(f.name)!, o[f.name], f, { ...ctx, where: `${ctx.where}.${f.name}` });
    }
    return o;
  }
  if (isPlainObject(value) && (value.class === 'File' || value.class === 'Directory')) {
    return prepareFileOrDirectory(value as unknown as FileOrDirectory, props, ctx);
  }
  if (matched.kind === 'primitive' && matched.type === 'Any') return prepareAny(value, ctx);
  return value;
}

/** Under `Any`, every File and Directory in arrays and records is completed, without a schema's properties. */
async function prepareAny(value: unknown, ctx: InputFileContext): Promise<unknown> {
  if (isPlainObject(value) && (value.class === 'File' || value.class === 'Directory')) {
    return prepareFileOrDirectory(value as unknown as FileOrDirectory, {}, ctx);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => prepareAny(v, ctx)));
  if (isPlainObject(value)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = await prepareAny(v, ctx);
    return o;
  }
  return value;
}

async function prepareFileOrDirectory(value: FileOrDirectory, props: FileProps, ctx: InputFileContext): Promise<FileOrDirectory> {
  // A parameter's own loadListing re-reads the directory: an earlier step may have changed it in place.
  if (value.class === 'Directory') return prepareDirectory(value, props.loadListing ?? ctx.defaultListing, ctx, props.loadListing !== undefined);
  let file: FileValue;
  // A remote File becomes a local one (downloaded under the run's scratch prefix); its URL still places its secondary files.
  const url = isRemoteLocation(value.location) ? value.location : undefined;
  if (url !== undefined) {
    file = await describeHostFile(await downloaded(value, url, ctx), ctx.where);
  } else if (!value.location && typeof value.contents === 'string') {
    file = await literalFile(value.contents, value, ctx);
  } else if (typeof value.location === 'string' && value.location.startsWith('_:')) {
    file = value;
  } else {
    file = await describeHostFile(value, ctx.where);
  }
  if (props.loadContents && file.contents === undefined && file.path) {
    file.contents = await readContents(file.path, ctx.where);
  }
  if (props.secondaryFiles && props.secondaryFiles.length > 0) {
    file.secondaryFiles = await discoverSecondaryFiles(file, props.secondaryFiles, ctx, url);
  } else if (file.secondaryFiles) {
    file.secondaryFiles = await Promise.all(file.secondaryFiles.map((s) => prepareFileOrDirectory(s, {}, ctx)));
  }
  if (file.format !== undefined) file.format = expandFormat(file.format, ctx.namespaces) as string;
  // Evaluated even for a File without a format, so a result of the wrong type is always refused (as cwltool).
  if (props.format !== undefined) {
    const allowed = expectStrings(await ctx.evaluate(props.format, file), 'format', ctx.where, false);
    checkFormat(file, allowed, ctx.ontologies, ctx.where);
  }
  return file;
}

/** A File given by its `contents`: described as it is, or (for a workflow) written to a file first. */
async function literalFile(contents: string, value: FileValue, ctx: InputFileContext): Promise<FileValue> {
  const basename = value.basename ?? 'literal';
  if (ctx.writeLiterals) {
    const written = await ctx.remote.writeLiteral(contents, basename);
    return describeHostFile({ ...value, location: pathToUri(written), basename }, ctx.where);
  }
  return { ...value, location: '', basename, ...splitName(basename), size: Buffer.byteLength(contents) };
}

/** A workflow's Directory literal, written to a directory of its own (see literalFile), and described from it. */
async function writtenDirectory(dir: DirectoryValue, ctx: InputFileContext): Promise<DirectoryValue> {
  const target = await ctx.remote.literalDirectory(dir.basename ?? 'literal_dir');
  const prepare = (entry: FileOrDirectory): Promise<FileOrDirectory> => prepareFileOrDirectory(entry, {}, { ...ctx, writeLiterals: false });
  await writeDirectoryLiteral(dir.listing ?? [], target, prepare, ctx.where);
  const { listing: given, ...rest } = dir;
  const written = await prepareDirectory({ ...rest, location: pathToUri(target), basename: dir.basename ?? path.basename(target) }, 'deep_listing', ctx, true);
  return { ...written, listing: inGivenOrder(written.listing ?? [], given ?? []) };
}

/** The File at `url`, downloaded: named by the URL unless it has a basename of its own. */
async function downloaded(file: FileValue, url: string, ctx: InputFileContext): Promise<FileValue> {
  try {
    const local = await ctx.remote.fetch(url);
    return { ...file, location: pathToUri(local), basename: file.basename ?? basenameOfUrl(url) };
  } catch (error) {
    throw error instanceof DownloadError ? new ValidationError(`${ctx.where}: ${error.message}`) : error;
  }
}

/** Whether a secondary file found by pattern is there: on disk, or (beside a remote primary) at its URL. */
async function secondaryExists(location: string, ctx: InputFileContext): Promise<boolean> {
  if (!isRemoteLocation(location)) return exists(uriToPath(location));
  try {
    return await ctx.remote.exists(location);
  } catch (error) {
    throw error instanceof DownloadError ? new ValidationError(`${ctx.where}: ${error.message}`) : error;
  }
}

/** `url`: where a downloaded primary came from; patterns resolve against it, as cwltool does. */
async function discoverSecondaryFiles(
  file: FileValue, schemas: readonly SecondaryFileSchema[], ctx: InputFileContext, url?: string,
): Promise<FileOrDirectory[]> {
  const existing = await Promise.all((file.secondaryFiles ?? []).map((s) => prepareFileOrDirectory(s, {}, ctx)));
  const have = new Set(existing.map((s) => s.location));
  const haveNames = new Set(existing.map((s) => s.basename));
  const found: FileOrDirectory[] = [...existing];
  const primary = url === undefined ? file : { ...file, location: url };
  for (const candidate of await secondaryCandidates(primary, schemas, ctx.evaluate, true, ctx.where)) {
    if (have.has(candidate.value.location) || haveNames.has(candidate.value.basename)) continue;
    if (!file.location || !ctx.discoverSecondaryFiles || !(await secondaryExists(candidate.value.location, ctx))) {
      if (candidate.required && file.location) {
        throw new ValidationError(`${ctx.where}: missing required secondary file '${candidate.value.basename}' (pattern '${candidate.pattern}') of ${url ?? file.path ?? file.location}`);
      }
      continue;
    }
    const isDir = !isRemoteLocation(candidate.value.location) && (await isDirectory(uriToPath(candidate.value.location)));
    const v = { ...candidate.value, class: isDir ? 'Directory' : 'File' } as FileOrDirectory;
    found.push(await prepareFileOrDirectory(v, {}, ctx));
    have.add(v.location);
  }
  return found;
}

async function prepareDirectory(dir: DirectoryValue, listing: LoadListing, ctx: InputFileContext, relist = false): Promise<DirectoryValue> {
  if (isRemoteLocation(dir.location)) {
    // HTTP has no directory listing: a remote Directory is made here from the listing it gives.
    if (!dir.listing) throw new ValidationError(`${ctx.where}: cannot download the Directory ${dir.location}: HTTP cannot list it; give its listing`);
    const { location: _remote, ...literal } = dir;
    return prepareDirectory({ ...literal, basename: dir.basename ?? basenameOfUrl(dir.location) } as DirectoryValue, listing, ctx);
  }
  if (!dir.location && ctx.writeLiterals) return writtenDirectory(dir, ctx);
  if (!dir.location) {
    // A Directory literal (location '' once prepared, passed on by a workflow): its listing is given, and is staged later.
    const listingOut = dir.listing ? await Promise.all(dir.listing.map((e) => prepareFileOrDirectory(e, {}, ctx))) : [];
    return { ...dir, location: '', basename: dir.basename ?? 'literal_dir', listing: listingOut };
  }
  const described = await describeHostDirectory(dir, ctx.where);
  if ((dir.listing === undefined || relist) && listing !== 'no_listing') {
    described.listing = await listDirectory(described.path!, listing);
  }
  return described;
}
