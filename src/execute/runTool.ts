import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandLineTool, ExpressionTool, LoadListing, OutputParameter } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { PermanentFailure, TemporaryFailure } from '../errors.js';
import { RequirementSet } from '../build/requirements.js';
import { prepareInputFiles } from '../build/inputFiles.js';
import { buildCommandLineJob, type JobDirectories } from '../build/commandLineJob.js';
import { evaluateResources, requestedResources } from '../build/resources.js';
import { isLoadListing } from '../load/types.js';
import { collectOutputs } from '../collect/outputs.js';
import { finalizeFiles } from '../collect/fileDetails.js';
import { FileBoundary } from '../collect/fileBoundary.js';
import { maskSecrets, secretValues } from '../build/secrets.js';
import { checkOutputValue } from '../validate/outputValue.js';
import { ExpressionError, type ExpressionEngine } from '../expressions/index.js';
import type { RunContext } from './runContext.js';
import { publishOutputs, reuseKey, reuseOutputs, type ReuseContext } from './cache/reuse.js';

/**
 * Where one tool run keeps its files; outdir is kept until outputs are
 * relocated. The staging directory is only named here: it is created when
 * something is staged, which most small jobs never need.
 */
async function makeDirs(ctx: RunContext): Promise<JobDirectories> {
  const hostTmpdir = await makeTempDir(ctx.tmpdirPrefix);
  const hostOutdir = await makeTempDir(ctx.tmpOutdirPrefix);
  const podTmpdir = ctx.cluster?.privateTmpdir?.(ctx.tmpdirPrefix);
  // Staged inputs must be where the process can see them: beside the output
  // directory when the scratch space is the pod's own.
  if (podTmpdir !== undefined) return { hostOutdir, hostTmpdir, hostStageDir: `${hostOutdir}.stage`, podTmpdir };
  return { hostOutdir, hostTmpdir, hostStageDir: `${hostTmpdir}.stage` };
}

/** A new directory from a scratch prefix: a prefix ending in `/` is the directory to make it in. */
async function makeTempDir(prefix: string): Promise<string> {
  await mkdir(prefix.endsWith('/') ? prefix : path.dirname(prefix), { recursive: true });
  return mkdtemp(prefix);
}

function defaultListing(requirements: RequirementSet): LoadListing {
  const req = requirements.get('LoadListingRequirement') ?? requirements.get('cwltool:LoadListingRequirement');
  return isLoadListing(req?.loadListing) ? req.loadListing : 'no_listing';
}

interface Reuse {
  readonly context: ReuseContext;
  /** Undefined when the step is not to be reused or published (no --cachedir, WorkReuse false). */
  readonly key?: string;
  /** Set on a cache hit: the outputs, restored into a new job output directory. */
  readonly outputs?: Record<string, unknown>;
}

/** --cachedir: the step's cache key, and its outputs when a finished run of it is in the cache. */
async function lookupReuse(
  ctx: RunContext, tool: CommandLineTool, requirements: RequirementSet, inputs: Record<string, unknown>, engine: ExpressionEngine, name: string,
): Promise<Reuse> {
  const imageFromDefault = !requirements.has('DockerRequirement') && ctx.defaultContainer !== undefined;
  const kind = ctx.cluster ? 'pod' : ctx.useContainer && (requirements.has('DockerRequirement') || imageFromDefault) ? 'container' : 'host';
  const environment = ctx.preservedEnv && Object.keys(ctx.preservedEnv).length > 0 ? { environment: ctx.preservedEnv } : {};
  const place = { kind, ...(kind !== 'host' && imageFromDefault ? { defaultImage: ctx.defaultContainer } : {}), ...environment } as const;
  const context: ReuseContext = { ...(ctx.reuse ? { reuse: ctx.reuse } : {}), logger: ctx.logger, place };
  const key = await reuseKey(context, tool, requirements, inputs, engine, name);
  if (key === undefined) return { context };
  const outputs = await reuseOutputs(context, key, name, async () => {
    const outdir = await makeTempDir(ctx.tmpOutdirPrefix);
    ctx.jobOutdirs.add(outdir);
    return outdir;
  });
  // Secrets of a reused step still mask later log lines.
  if (outputs) for (const secret of secretValues(requirements, inputs)) ctx.secrets.add(secret);
  return { context, key, ...(outputs ? { outputs } : {}) };
}

/** Turns expression failures into step failures that name the step. */
async function named<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExpressionError) throw new PermanentFailure(`${name}: ${error.message}`);
    throw error;
  }
}

export async function runCommandLineTool(
  tool: CommandLineTool, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  topLevel = false,
): Promise<Record<string, unknown>> {
  const requirements = RequirementSet.forProcess(tool, inherited);
  const engine = ctx.engines.for(requirements);
  return named(name, async () => {
    const inputs = await prepareInputFiles(tool.inputs, job, {
      evaluate: (text, self) => engine.evaluate(text, { inputs: job, self, runtime: {} }),
      defaultListing: defaultListing(requirements),
      ontologies: ctx.ontologies,
      namespaces: tool.namespaces,
      discoverSecondaryFiles: topLevel,
      where: name,
      remote: ctx.remote,
    });
    const reuse = await lookupReuse(ctx, tool, requirements, inputs, engine, name);
    if (reuse.outputs) return reuse.outputs;
    // Admission comes before any directory is made, so a wide scatter waiting
    // for resources holds no files and little memory.
    const resources = await evaluateResources(requirements, engine, inputs, { version: tool.originalVersion, where: name });
    ctx.progress.jobQueued();
    let release: () => void;
    try {
      release = await ctx.pool.acquire({ cores: resources.cores, ram: resources.ram, gpus: resources.bounds.gpus ?? 0 }, name, ctx.signal);
    } catch (error) {
      ctx.progress.jobDropped();
      throw error;
    }
    ctx.progress.jobStarted();
    let succeeded = false;
    let dirs;
    try {
      dirs = await makeDirs(ctx);
      ctx.jobOutdirs.add(dirs.hostOutdir);
    } catch (error) {
      release();
      ctx.progress.jobFinished(false);
      throw error;
    }
    let staged = false;
    try {
      let built;
      let outcome;
      try {
        built = await buildCommandLineJob(tool, inputs, requirements, engine, {
          dirs, useContainer: ctx.useContainer || ctx.cluster !== undefined, name,
          ...(ctx.defaultContainer ? { defaultContainer: ctx.defaultContainer } : {}),
          containerPaths: ctx.cluster === undefined,
          ...(ctx.preservedEnv ? { preservedEnv: ctx.preservedEnv } : {}),
          resources,
        });
        staged = built.staging.length > 0;
        const backend = ctx.cluster ?? (built.container ? ctx.docker : ctx.local);
        for (const secret of secretValues(requirements, inputs)) ctx.secrets.add(secret);
        if (ctx.logger.isLevelEnabled('info')) ctx.logger.info({ step: name, backend: backend.name }, `[${name}] ${maskSecrets(built.argv.join(' '), ctx.secrets)}`);
        const start = new Date();
        const requested = requestedResources(built.resources);
        const record = (exitCode: number): void => ctx.usage?.add({
          name, cores: requested.cores, ramMiB: requested.ramMiB, diskMiB: resources.outdirSize + resources.tmpdirSize, exitCode, start, finish: new Date(),
        });
        try {
          outcome = await backend.run(built, ctx.signal);
        } catch (error) {
          record(-1); // no exit code: the pod failed (OOMKilled, evicted, deleted) or never ran
          throw error;
        }
        record(outcome.exitCode);
      } finally {
        release();
      }
      if (outcome.timedOut) {
        throw new PermanentFailure(`${name}: ${ctx.signal.aborted ? 'cancelled' : `exceeded its time limit of ${built.timeLimitSeconds} s`}`);
      }
      const code = outcome.exitCode;
      const tail = outcome.stderrTail.trim() ? `\n${outcome.stderrTail.trim().split('\n').slice(-10).join('\n')}` : '';
      if (tool.temporaryFailCodes.includes(code)) throw new TemporaryFailure(`${name}: exited with temporary-failure code ${code}${tail}`);
      if (tool.permanentFailCodes.includes(code) || !tool.successCodes.includes(code)) {
        throw new PermanentFailure(`${name}: exited with code ${code}${tail}`);
      }
      ctx.logger.debug({ step: name, exitCode: code, ms: Math.round(outcome.durationMs) }, `[${name}] completed`);
      // Its own directories, its inputs, and whatever was staged for it (InitialWorkDir's File and Directory literals too).
      const stagedSources = built.staging.flatMap((e) => (e.kind === 'link' || e.kind === 'copy' ? [e.source] : []));
      const boundary = await FileBoundary.of([dirs.hostOutdir, dirs.hostStageDir, ...stagedSources], inputs);
      const collected = await collectOutputs(tool, built, code, engine, defaultListing(requirements), boundary);
      const outputs = checkedOutputs(tool.outputs, collected, name, ctx);
      if (reuse.key !== undefined) await publishOutputs(reuse.context, reuse.key, outputs, name);
      succeeded = true;
      return outputs;
    } finally {
      ctx.progress.jobFinished(succeeded);
      if (!ctx.leaveTmpdir) {
        await rm(dirs.hostTmpdir, { recursive: true, force: true });
        if (staged) await rm(dirs.hostStageDir, { recursive: true, force: true });
        // A failed or cancelled job's outputs are never used: its directory goes now.
        if (!succeeded) {
          ctx.jobOutdirs.delete(dirs.hostOutdir);
          await rm(dirs.hostOutdir, { recursive: true, force: true });
        }
      }
    }
  });
}

export async function runExpressionTool(
  tool: ExpressionTool, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  topLevel = false,
): Promise<Record<string, unknown>> {
  const requirements = RequirementSet.forProcess(tool, inherited);
  const engine = ctx.engines.for(requirements);
  return named(name, async () => {
    const inputs = await prepareInputFiles(tool.inputs, job, {
      evaluate: (text, self) => engine.evaluate(text, { inputs: job, self, runtime: {} }),
      defaultListing: defaultListing(requirements),
      ontologies: ctx.ontologies,
      namespaces: tool.namespaces,
      discoverSecondaryFiles: topLevel,
      where: name,
      remote: ctx.remote,
    });
    // An ExpressionTool only needs a place for File literals it returns.
    const hostOutdir = await makeTempDir(ctx.tmpOutdirPrefix);
    ctx.jobOutdirs.add(hostOutdir);
    const { bounds: _bounds, ...sizes } = await evaluateResources(requirements, engine, inputs, { version: tool.originalVersion, where: name });
    const runtime = { outdir: hostOutdir, tmpdir: ctx.tmpdirPrefix, ...sizes };
    const result = await engine.evaluate(tool.expression, { inputs, self: null, runtime });
    if (!isPlainObject(result)) throw new PermanentFailure(`${name}: the expression must return an object, got ${JSON.stringify(result)}`);
    const outputs: Record<string, unknown> = {};
    for (const p of tool.outputs) outputs[p.id] = result[p.id] ?? null;
    // File literals are written into hostOutdir; anything else must be an input passed through.
    const boundary = await FileBoundary.of([hostOutdir], inputs);
    for (const p of tool.outputs) {
      await boundary.check(outputs[p.id], `${name}: output '${p.id}'`);
      await finalizeFiles(outputs[p.id], hostOutdir, `${name}: output '${p.id}'`);
    }
    return checkedOutputs(tool.outputs, outputs, name, ctx);
  });
}


/** A process's output object checked against its declared types (leniently unless --strict). */
export function checkedOutputs(
  params: readonly OutputParameter[], outputs: Readonly<Record<string, unknown>>, name: string, ctx: RunContext,
): Record<string, unknown> {
  const leniency = { strict: ctx.strict === true, warn: (message: string) => ctx.logger.warn(message) };
  return Object.fromEntries(params.map((p) => [p.id, checkOutputValue(p.type, outputs[p.id] ?? null, `${name}: output '${p.id}'`, leniency)]));
}
