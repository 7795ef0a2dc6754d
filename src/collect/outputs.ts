import { stat, glob } from 'node:fs/promises';
import path from 'node:path';
import type { LoadListing, CommandLineTool, CwlType, FileOrDirectory, FileValue, OutputBinding, OutputParameter, RecordType, SecondaryFileSchema } from '../model/types.js';
import { isFileOrDirectory, isPlainObject } from '../model/types.js';
import { PermanentFailure } from '../errors.js';
import type { CommandLineJob } from '../job/commandLineJob.js';
import type { ExpressionEngine } from '../expressions/index.js';
import { readContents, readHostText } from '../files/hostRead.js';
import { listDirectory } from '../files/listing.js';
import { exists, existsNow } from '../files/hostFiles.js';
import { splitName } from '../files/names.js';
import { BraceLimitError, expandBraces } from '../files/braces.js';
import { NESTING_LIMIT, offsetPastNesting } from '../model/nesting.js';
import { DEFAULT_LIMITS, jobFileSizeLimit, type SizeLimit } from '../load/limits.js';
import { applyPattern } from '../job/secondaryFiles.js';
import { expandFormat } from '../load/types.js';
import { pathToUri, uriToPath } from '../files/uri.js';
import { describeType } from '../model/typeMatch.js';
import { finalizeFiles } from './fileDetails.js';
import type { PathMapper } from '../job/pathMapping.js';
import { mapFiles } from '../model/fileWalk.js';
import { FileBoundary } from './fileBoundary.js';
import { expectOptionalBoolean, expectString, expectStrings } from '../expressions/resultTypes.js';

/**
 * Collects a CommandLineTool's outputs from its output directory: from
 * cwl.output.json when the tool wrote one, else by glob/loadContents/
 * outputEval per output parameter; paths are then turned back into host
 * locations and every File gets its size and checksum. cwl.output.json is
 * read within `outputObjectLimit` (a job file's: BESPIN_MAX_JOB_FILE_BYTES).
 */
export async function collectOutputs(
  tool: CommandLineTool, job: CommandLineJob, exitCode: number, engine: ExpressionEngine, listing: LoadListing, boundary: FileBoundary,
  outputObjectLimit: SizeLimit = jobFileSizeLimit(DEFAULT_LIMITS),
): Promise<Record<string, unknown>> {
  const view = job.paths;
  const runtime = { ...job.runtime, exitCode };
  const customFile = path.join(job.dirs.hostOutdir, 'cwl.output.json');
  let result: Record<string, unknown>;
  if (existsNow(customFile)) {
    const parsed = await readCustomOutputs(customFile, job, outputObjectLimit);
    result = view.toHostValue(resolveCustomLocations(parsed, job.runtime.outdir)) as Record<string, unknown>;
    for (const p of tool.outputs) if (!(p.id in result)) result[p.id] = null;
  } else {
    result = {};
    const collector = new OutputCollector(job, view, engine, runtime, tool, listing, boundary);
    for (const p of tool.outputs) {
      const value = await collector.collect(p.type, p.outputBinding, p, `${job.name}: output '${p.id}'`);
      result[p.id] = view.toHostValue(resolveCustomLocations(value, job.runtime.outdir));
    }
  }
  // Every key: cwl.output.json's undeclared ones are kept in the output object too.
  for (const key of Object.keys(result)) {
    const where = `${job.name}: output '${key}'`;
    await boundary.check(result[key], where);
    await finalizeFiles(result[key], job.dirs.hostOutdir, where, boundary);
  }
  // Checked against the declared types by the caller (checkOutputValue), which knows --strict.
  return result;
}

/**
 * cwl.output.json, read through the gate: a regular file whose real path is
 * in the step's own output directory (not a link the tool made to a host
 * file, a FIFO or /dev/zero), bounded by the bytes read.
 */
async function readCustomOutputs(customFile: string, job: CommandLineJob, limit: SizeLimit): Promise<Record<string, unknown>> {
  const text = await readHostText(customFile, `${job.name}: output object`, {
    maxBytes: limit.bytes,
    scope: FileBoundary.ownDirectory(job.dirs.hostOutdir),
    tooLarge: () => new PermanentFailure(`${job.name}: cwl.output.json is larger than ${limit.bytes} bytes (${limit.variable})`),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PermanentFailure(`${job.name}: cwl.output.json is not valid JSON: ${String(error)}`);
  }
  // Every later walk over the output object recurses: bounded as a document is.
  const deep = offsetPastNesting(text);
  if (deep >= 0) throw new PermanentFailure(`${job.name}: cwl.output.json nests arrays and objects more than ${NESTING_LIMIT} deep (at byte ${deep})`);
  if (!isPlainObject(parsed)) throw new PermanentFailure(`${job.name}: cwl.output.json must contain an object`);
  return parsed;
}

/**
 * cwl.output.json and outputEval may name files relative to the output
 * directory, as the process saw it: resolved there once, path and location
 * made to agree (location wins, as in CWL), before anything is checked.
 */
function resolveCustomLocations(value: unknown, outdir: string): unknown {
  return mapFiles(value, (f) => {
    const loc = f.location ?? (f.path as string | undefined);
    if (typeof loc !== 'string' || loc.startsWith('_:') || (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(loc) && !loc.startsWith('file:'))) return { ...f };
    const abs = loc.startsWith('file:') ? uriToPath(loc) : path.posix.resolve(outdir, loc);
    return { ...f, path: abs, location: pathToUri(abs) };
  });
}

class OutputCollector {
  constructor(
    readonly job: CommandLineJob, readonly view: PathMapper, readonly engine: ExpressionEngine,
    readonly runtime: Record<string, unknown>, readonly tool: CommandLineTool, readonly listing: LoadListing,
    readonly boundary: FileBoundary,
  ) {}

  #eval(text: unknown, self: unknown): Promise<unknown> {
    return this.engine.evaluate(text, { inputs: this.job.inputs, self, runtime: this.runtime });
  }

  async collect(type: CwlType, binding: OutputBinding | undefined, param: Partial<OutputParameter> & { secondaryFiles?: readonly SecondaryFileSchema[] }, where: string): Promise<unknown> {
    if (type === 'stdout' || type === 'stderr') {
      const name = type === 'stdout' ? this.job.stdout : this.job.stderr;
      // The engine made this file for the redirection: no stat to tell a File
      // from a Directory (finalizeFiles stats it once for its size).
      const processPath = path.posix.join(this.job.runtime.outdir, name!);
      const basename = path.posix.basename(processPath);
      return { class: 'File', location: pathToUri(processPath), path: processPath, basename, dirname: path.posix.dirname(processPath), ...splitName(basename) };
    }
    const record = recordOf(type);
    if (!binding && record) {
      const out: Record<string, unknown> = {};
      for (const f of record.fields) out[f.name] = await this.collect(f.type, f.outputBinding, f, `${where}.${f.name}`);
      return out;
    }
    if (!binding) return null;
    let files: FileOrDirectory[] = [];
    // What a glob matched is the output itself unless outputEval makes something of it.
    const expected = binding.outputEval === undefined ? kindOf(type) : undefined;
    if (binding.glob !== undefined) files = await this.#glob(binding.glob, where, expected);
    const depth = binding.loadListing ?? this.listing;
    if (depth !== 'no_listing') {
      for (const f of files) if (f.class === 'Directory') f.listing = this.#toProcessPaths(await listDirectory(this.view.toHost(f.path!), depth, `${where}: listing of`, this.boundary));
    }
    if (binding.loadContents) {
      for (const f of files) if (f.class === 'File') f.contents = await readContents(this.view.toHost(f.path!), where, this.boundary);
    }
    let value: unknown;
    if (binding.outputEval !== undefined) {
      value = await this.#eval(binding.outputEval, files);
    } else if (wantsSingle(type)) {
      if (files.length > 1) throw new PermanentFailure(`${where}: glob matched ${files.length} files but the output is a single ${describeType(type)}`);
      value = files[0] ?? null;
    } else {
      value = files;
    }
    if (param.secondaryFiles || param.format !== undefined) {
      value = await this.#decorate(value, param.secondaryFiles, param.format, where);
    }
    return value;
  }

  async #glob(raw: string | readonly string[], where: string, expected: 'File' | 'Directory' | undefined): Promise<FileOrDirectory[]> {
    const patterns: string[] = [];
    for (const g of Array.isArray(raw) ? raw : [raw]) {
      patterns.push(...expectStrings(await this.#eval(g, null), 'glob', where, true));
    }
    const found: FileOrDirectory[] = [];
    const seen = new Set<string>();
    for (const pattern of expandGlobs(patterns, where)) {
      const outdir = this.job.runtime.outdir;
      let rel = pattern;
      if (path.posix.isAbsolute(pattern)) {
        if (pattern !== outdir && !pattern.startsWith(outdir + '/')) throw new PermanentFailure(`${where}: glob '${pattern}' is outside the output directory`);
        rel = path.posix.relative(outdir, pattern) || '.';
      }
      if (rel.split('/').includes('..')) throw new PermanentFailure(`${where}: glob '${pattern}' is outside the output directory`);
      const matches: string[] = [];
      if (rel === '.' || !/[*?[\]{}]/.test(rel)) {
        if (await exists(path.join(this.job.dirs.hostOutdir, rel))) matches.push(rel);
      } else {
        for await (const m of glob(rel, { cwd: this.job.dirs.hostOutdir })) matches.push(m);
        matches.sort();
      }
      for (const m of matches) {
        const host = path.join(this.job.dirs.hostOutdir, m);
        if (seen.has(host)) continue;
        seen.add(host);
        const entry = await this.#fileAt(this.view.toInner(host));
        if (expected !== undefined && entry.class !== expected) {
          throw new PermanentFailure(`${where}: glob '${pattern}' matched ${entry.path}, which is ${entry.class === 'File' ? 'a regular file' : 'a directory'}, but a ${expected} was expected`);
        }
        found.push(entry);
      }
    }
    return found;
  }

  /** A listing read on the host, as the process sees it. */
  #toProcessPaths(listing: FileOrDirectory[]): FileOrDirectory[] {
    return mapFiles(listing, (e) => {
      const p = this.view.toInner(e.path!);
      const out = { ...e, path: p, location: pathToUri(p) } as FileOrDirectory;
      if (out.class === 'File') out.dirname = path.posix.dirname(p);
      return out;
    });
  }

  async #fileAt(processPath: string): Promise<FileOrDirectory> {
    const host = this.view.toHost(processPath);
    const info = await stat(host).catch(() => undefined);
    const basename = path.posix.basename(processPath);
    if (info?.isDirectory()) return { class: 'Directory', location: pathToUri(processPath), path: processPath, basename };
    return { class: 'File', location: pathToUri(processPath), path: processPath, basename, dirname: path.posix.dirname(processPath), ...splitName(basename), size: info?.size ?? 0 };
  }

  /** An output's secondary file is optional unless `required` says otherwise. */
  async #required(schema: SecondaryFileSchema, file: FileValue, where: string): Promise<boolean> {
    if (schema.required === undefined) return false;
    return expectOptionalBoolean(await this.#eval(schema.required, file), 'required', where) ?? false;
  }

  async #decorate(value: unknown, secondary: readonly SecondaryFileSchema[] | undefined, format: unknown, where: string): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.#decorate(v, secondary, format, where)));
    if (!isFileOrDirectory(value) || value.class !== 'File') return value;
    const file: FileValue = { ...value };
    if (format !== undefined) file.format = expectString(await this.#eval(expandFormat(format, this.tool.namespaces), file), 'format', where);
    if (secondary) {
      const list: FileOrDirectory[] = [...(file.secondaryFiles ?? [])];
      for (const s of secondary) {
        const required = await this.#required(s, file, where);
        const isExpr = s.pattern.includes('$(') || s.pattern.includes('${');
        const results = isExpr ? await this.#eval(s.pattern, file) : applyPattern(file.basename!, s.pattern);
        for (const r of Array.isArray(results) ? results : [results]) {
          if (r === null || r === undefined) continue;
          if (isFileOrDirectory(r)) { list.push(r); continue; }
          const p = path.posix.join(path.posix.dirname(file.path!), String(r));
          if (await exists(this.view.toHost(p))) list.push(await this.#fileAt(p));
          else if (required) throw new PermanentFailure(`${where}: missing required secondary file ${p}`);
        }
      }
      file.secondaryFiles = list;
    }
    return file;
  }
}

/**
 * The patterns a tool's globs stand for, braces expanded (and bounded)
 * before the caller's `..` check, so `{..,.}/x` is seen as `../x`.
 */
function expandGlobs(patterns: readonly string[], where: string): string[] {
  const out: string[] = [];
  try {
    for (const p of patterns) out.push(...expandBraces(p));
  } catch (error) {
    if (error instanceof BraceLimitError) throw new PermanentFailure(`${where}: glob ${JSON.stringify(patterns.join(' '))}: ${error.message}`);
    throw error;
  }
  return out;
}

function recordOf(type: CwlType): RecordType | undefined {
  const list = Array.isArray(type) ? type : [type];
  return list.find((t): t is RecordType => isPlainObject(t) && (t as { type?: unknown }).type === "record");
}

/** File or Directory when every non-null branch of `type` (or of its array items) is that one kind. */
function kindOf(type: CwlType): 'File' | 'Directory' | undefined {
  const branches = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null')
    .map((t) => (isPlainObject(t) && (t as { type?: unknown }).type === 'array' ? (t as { items: CwlType }).items : t));
  if (branches.length === 0) return undefined;
  if (branches.every((t) => t === 'File')) return 'File';
  if (branches.every((t) => t === 'Directory')) return 'Directory';
  return undefined;
}

function wantsSingle(type: CwlType): boolean {
  const list = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null');
  return list.length > 0 && list.every((t) => t === 'File' || t === 'Directory');
}

