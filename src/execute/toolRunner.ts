import type { CommandLineTool, ExpressionTool, LoadListing } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { PermanentFailure } from '../errors.js';
import type { RequirementSet } from '../model/requirements.js';
import type { ExpressionEngine } from '../expressions/index.js';
import { evaluateResources, withRequestPolicy } from '../job/resources.js';
import { secretValues } from '../job/secrets.js';
import { publishOutputs, reuseKey, reuseOutputs, type ReuseContext, type WorkReuse } from './cache/reuse.js';
import { runWithRetries, type AttemptParts, type JobScope } from './jobAttempts.js';
import type { OutputCollection } from './outputCollection.js';
import type { CommandLineJob } from '../job/commandLineJob.js';
import { checkedOutputs } from './outputTypes.js';

/** What running tools needs for the whole run: the CLI builds one runner from these. */
export interface ToolRunnerParts extends AttemptParts {
  /** Turns a finished job's directories into its output object (the collect stage, passed in by the CLI). */
  readonly collect: OutputCollection;
  /** --cachedir: finished CommandLineTool runs are reused and published here. */
  readonly reuse?: WorkReuse;
  /** --strict: refuse what cwltool tolerates where the spec is silent (null items in array outputs). */
  readonly strict: boolean;
}

/** A tool's job with its inputs prepared (Files checked and completed), ready to run. */
export interface PreparedJob<T> {
  readonly tool: T;
  readonly inputs: Record<string, unknown>;
  readonly requirements: RequirementSet;
  readonly engine: ExpressionEngine;
  readonly name: string;
  /** The LoadListingRequirement in force, for Directory outputs. */
  readonly listing: LoadListing;
}

interface Reuse {
  readonly context: ReuseContext;
  /** Undefined when the step is not to be reused or published (no --cachedir, WorkReuse false). */
  readonly key?: string;
  /** Set on a cache hit: the outputs, restored into a new job output directory. */
  readonly outputs?: Record<string, unknown>;
}

/**
 * Runs one tool job to its checked output object: a CommandLineTool on the
 * run's backend (work reuse, resources, retries, output collection), an
 * ExpressionTool in its sandbox. Built once per run; each job brings its
 * own signal and scratch space.
 */
export class ToolRunner {
  readonly #parts: ToolRunnerParts;

  constructor(parts: ToolRunnerParts) {
    this.#parts = parts;
  }

  /** How many of a scatter's elements are prepared at once: enough to keep the pool busy, not all 10,000 of a wide one. */
  get scatterWindow(): number {
    return Math.max(32, 4 * this.#parts.pool.limits.cores);
  }

  async commandLineTool(job: PreparedJob<CommandLineTool>, scope: JobScope): Promise<Record<string, unknown>> {
    const { tool, inputs, requirements, engine, name } = job;
    const reuse = await this.#lookupReuse(job, scope);
    if (reuse.outputs) return reuse.outputs;
    // Admission comes before any directory is made, so a wide scatter waiting
    // for resources holds no files and little memory.
    const evaluated = await evaluateResources(requirements, engine, inputs, { version: tool.originalVersion, where: name });
    const resources = this.#parts.jobs.requests ? withRequestPolicy(evaluated, this.#parts.jobs.requests) : evaluated;
    for (const secret of secretValues(requirements, inputs)) this.#parts.secrets.add(secret);
    const collect = (built: CommandLineJob, code: number): Promise<Record<string, unknown>> => this.#collect(job, built, code);
    // A job that exited with a failing code still has its outputs collected (cwltool's partial outputs).
    const finished = await runWithRetries({ tool, inputs, requirements, engine, name, resources }, this.#parts, scope, (built, outcome) => collect(built, outcome.code));
    let used = false;
    let outputs: Record<string, unknown> | undefined;
    try {
      const { built, outcome } = finished;
      this.#parts.logger.debug({ step: name, exitCode: outcome.code, ms: Math.round(outcome.durationMs) }, `[${name}] completed`);
      outputs = await collect(built, outcome.code);
      this.#parts.inplaceUpdates?.release(name, outputs);
      if (reuse.key !== undefined) await publishOutputs(reuse.context, reuse.key, outputs, name);
      used = true;
      return outputs;
    } finally {
      await finished.finish(used, outputs);
    }
  }

  /** The collect stage's output object of a job that exited with `exitCode`, checked against the tool's outputs. */
  async #collect(job: PreparedJob<CommandLineTool>, built: CommandLineJob, exitCode: number): Promise<Record<string, unknown>> {
    const { tool, engine, listing, inputs, name } = job;
    const collected = await this.#parts.collect.commandLineTool({ tool, built, exitCode, engine, listing, inputs });
    return checkedOutputs(tool.outputs, collected, name, this.#parts);
  }

  async expressionTool(job: PreparedJob<ExpressionTool>, scope: JobScope): Promise<Record<string, unknown>> {
    const { tool, inputs, requirements, engine, name } = job;
    // An ExpressionTool only needs a place for File literals it returns.
    const hostOutdir = await scope.scratch.outdir();
    const { bounds: _bounds, ...sizes } = await evaluateResources(requirements, engine, inputs, { version: tool.originalVersion, where: name });
    const runtime = { outdir: hostOutdir, tmpdir: scope.scratch.prefixes.tmpdir, ...sizes };
    const result = await engine.evaluate(tool.expression, { inputs, self: null, runtime });
    if (!isPlainObject(result)) throw new PermanentFailure(`${name}: the expression must return an object, got ${JSON.stringify(result)}`);
    const outputs: Record<string, unknown> = {};
    for (const p of tool.outputs) outputs[p.id] = result[p.id] ?? null;
    await this.#parts.collect.expressionTool({ outputs, params: tool.outputs, outdir: hostOutdir, inputs, name });
    return checkedOutputs(tool.outputs, outputs, name, this.#parts);
  }

  /** --cachedir: the step's cache key, and its outputs when a finished run of it is in the cache. */
  async #lookupReuse(job: PreparedJob<CommandLineTool>, scope: JobScope): Promise<Reuse> {
    const { tool, inputs, requirements, engine, name } = job;
    const { backend, jobs, reuse, logger } = this.#parts;
    const imageFromDefault = !requirements.has('DockerRequirement') && jobs.defaultContainer !== undefined;
    const kind = backend.place(requirements.has('DockerRequirement') || imageFromDefault);
    const environment = jobs.preservedEnv && Object.keys(jobs.preservedEnv).length > 0 ? { environment: jobs.preservedEnv } : {};
    const place = { kind, ...(kind !== 'host' && imageFromDefault ? { defaultImage: jobs.defaultContainer } : {}), ...environment } as const;
    const context: ReuseContext = { ...(reuse ? { reuse } : {}), logger, place };
    const key = await reuseKey(context, tool, requirements, inputs, engine, name);
    if (key === undefined) return { context };
    const outputs = await reuseOutputs(context, key, name, () => scope.scratch.outdir());
    // Secrets of a reused step still mask later log lines.
    if (outputs) for (const secret of secretValues(requirements, inputs)) this.#parts.secrets.add(secret);
    return { context, key, ...(outputs ? { outputs } : {}) };
  }
}
