import type { CommandLineTool, ExpressionTool, LoadListing, OutputParameter } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { PermanentFailure } from '../errors.js';
import { RequirementSet } from '../model/requirements.js';
import { prepareInputFiles } from '../job/inputFiles.js';
import { evaluateResources } from '../job/resources.js';
import { isLoadListing } from '../load/types.js';
import { secretValues } from '../job/secrets.js';
import { checkOutputValue } from '../validate/outputValue.js';
import { ExpressionError, type ExpressionEngine } from '../expressions/index.js';
import type { RunContext } from './runContext.js';
import { publishOutputs, reuseKey, reuseOutputs, type ReuseContext } from './cache/reuse.js';
import { runWithRetries } from './jobAttempts.js';
import { makeTempDir } from './jobDirectories.js';

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
  const kind = ctx.backend.place(requirements.has('DockerRequirement') || imageFromDefault);
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
    for (const secret of secretValues(requirements, inputs)) ctx.secrets.add(secret);
    const finished = await runWithRetries({ tool, inputs, requirements, engine, name, resources }, ctx);
    let used = false;
    try {
      const { built, outcome } = finished;
      ctx.logger.debug({ step: name, exitCode: outcome.code, ms: Math.round(outcome.durationMs) }, `[${name}] completed`);
      const collected = await ctx.collect.commandLineTool({ tool, built, exitCode: outcome.code, engine, listing: defaultListing(requirements), inputs });
      const outputs = checkedOutputs(tool.outputs, collected, name, ctx);
      if (reuse.key !== undefined) await publishOutputs(reuse.context, reuse.key, outputs, name);
      used = true;
      return outputs;
    } finally {
      await finished.finish(used);
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
    await ctx.collect.expressionTool({ outputs, params: tool.outputs, outdir: hostOutdir, inputs, name });
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
