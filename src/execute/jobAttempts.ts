import { HostReadRefused } from '../files/hostEntry.js';
import { PermanentFailure } from '../errors.js';
import type { Backend, JobOutcome } from '../backends/backend.js';
import { buildCommandLineJob, type CommandLineJob, type JobDirectories } from '../job/commandLineJob.js';
import type { RequirementSet } from '../model/requirements.js';
import { requestedResources, type RequestPolicy, type ResourceEvaluation } from '../job/resources.js';
import type { ExpressionEngine } from '../expressions/index.js';
import type { CommandLineTool } from '../model/types.js';
import type { ResourcePool, ResourceRequest } from '../schedule/resourcePool.js';
import type { Logger } from '../logger.js';
import type { SecretMask } from '../job/secrets.js';
import { JobFailed, failureMessage, succeeded } from './jobFailure.js';
import type { InplaceUpdates } from './inplaceUpdates.js';
import type { JobProgress, TaskUsage, UsageRecorder } from './jobReporting.js';
import { forEachFile } from '../model/fileWalk.js';
import { NO_RETRIES, decideRetry, realClock, type Clock, type RetryCounts, type RetryDecision, type RetryLimits } from './retryPolicy.js';
import type { ScratchSpace } from './scratchSpace.js';
import { recordPartialOutputs } from './partialOutputs.js';

/** One CommandLineTool run, ready to be admitted: its inputs prepared and its resources evaluated. */
export interface ToolJob {
  readonly tool: CommandLineTool;
  readonly inputs: Record<string, unknown>;
  readonly requirements: RequirementSet;
  readonly engine: ExpressionEngine;
  readonly name: string;
  readonly resources: ResourceEvaluation;
}

/** The attempt that succeeded: its outputs are to be collected from `built`'s directories. */
export interface FinishedJob {
  readonly built: CommandLineJob;
  readonly outcome: JobOutcome & { readonly kind: 'exited' };
  /**
   * Ends the job: removes its scratch space (and its output directory unless
   * `used`), counts it done or failed, and gives --usage-report its row, with
   * the size of the File `outputs` collected (none when collection failed).
   */
  finish(used: boolean, outputs?: unknown): Promise<void>;
}

/**
 * Collects the output object of a job that exited with a failing code, as
 * cwltool does (its partial outputs). It may throw: the job then has none.
 */
export type CollectFailed = (built: CommandLineJob, outcome: JobOutcome & { readonly kind: 'exited' }) => Promise<Record<string, unknown>>;

/** A --usage-report row but for the outputs' size, which is known only once they are collected. */
type UsageRow = Omit<TaskUsage, 'outputBytes'>;

interface Attempt {
  readonly built: CommandLineJob;
  readonly dirs: JobDirectories;
  readonly outcome: JobOutcome;
  readonly row: UsageRow;
}

/** How the CLI asks every job to be built, whatever runs it. */
export interface JobSettings {
  /** What jobs reserve and their pods request (cwltool's minimum unless set: Calrissian's maximum on Kubernetes). */
  readonly requests?: RequestPolicy;
  /** --default-container: the image of a tool that names none. */
  readonly defaultContainer?: string;
  /** --preserve-environment: engine variables passed to every tool. */
  readonly preservedEnv?: Readonly<Record<string, string>>;
  /** The engine's PATH, which a tool run as a host process inherits. */
  readonly hostPath?: string;
}

/** What admitting and running jobs uses for the whole run (the tool runner's parts). */
export interface AttemptParts {
  readonly backend: Backend;
  /** Admits CommandLineTool jobs within --max-cores/--max-ram/--max-gpus. */
  readonly pool: ResourcePool;
  readonly progress: JobProgress;
  readonly logger: Logger;
  /** How often each kind of failure is retried (--retries, evictions, --oom-retry) and the backoff between attempts. */
  readonly retry: RetryLimits;
  /** Waits out the backoff between attempts (real time unless a test passes its own). */
  readonly clock?: Clock;
  /** Masks the logged command line; the runner fills it with each job's secrets. */
  readonly secrets: SecretMask;
  /** --usage-report: every CommandLineTool job's requested resources and run time. */
  readonly usage?: UsageRecorder;
  readonly jobs: JobSettings;
  /** The files steps update in place in this run (InplaceUpdateRequirement): one step at a time. */
  readonly inplaceUpdates?: InplaceUpdates;
}

/** Where one job runs within the run: its signal, and the scratch space (a scatter's view, inside one) its directories come from. */
export interface JobScope {
  readonly signal: AbortSignal;
  readonly scratch: ScratchSpace;
}

/** Both, for the functions below. */
type AttemptContext = AttemptParts & JobScope;

/** What the pool admits a job with: its runtime sizes, or what its pod requests when that is more (Calrissian's maximum). */
function poolRequest(r: ResourceEvaluation): ResourceRequest {
  const requested = requestedResources(r.bounds);
  return { cores: Math.max(r.cores, requested.cores), ram: Math.max(r.ram, requested.ramMiB), gpus: r.bounds.gpus ?? 0 };
}

/**
 * Runs a job until it succeeds or fails for good. Every retry (temporary
 * failure, eviction, OOMKilled with twice the memory) gives its resources
 * back to the pool, waits its backoff, and is admitted again at its new size,
 * so --max-ram is never over-committed; a size that can never fit fails at
 * once. Each attempt has fresh directories.
 */
export async function runWithRetries(job: ToolJob, parts: AttemptParts, scope: JobScope, collectFailed?: CollectFailed): Promise<FinishedJob> {
  const ctx: AttemptContext = { ...parts, ...scope };
  let resources = job.resources;
  let counts: RetryCounts = NO_RETRIES;
  ctx.progress.jobQueued();
  let started = false;
  try {
    for (let number = 1; ; number++) {
      const attempt = await runAttempt(job, resources, ctx, async () => {
        const release = await ctx.pool.acquire(poolRequest(resources), job.name, ctx.signal);
        if (!started) ctx.progress.jobStarted();
        started = true;
        return release;
      });
      if (succeeded(attempt.outcome, job.tool)) return finishedJob(attempt, ctx);
      const decision = decideRetry(attempt.outcome, job.tool.temporaryFailCodes, resources, counts, ctx.retry);
      const message = failureMessage(job.name, attempt.outcome, job.tool.temporaryFailCodes, {
        timeLimitSeconds: attempt.built.timeLimitSeconds, memoryLimitMiB: resources.bounds.ramMax ?? resources.bounds.ramMin,
      });
      if (decision.kind === 'final') {
        const failure = new JobFailed(job.name, attempt.outcome, number, message);
        const outputs = await salvage(attempt, ctx, collectFailed);
        if (outputs) recordPartialOutputs(failure, outputs, job.name);
        throw failure;
      }
      await discard(attempt, ctx);
      const over = ctx.pool.overLimits(poolRequest(decision.resources));
      if (over.length > 0) throw new JobFailed(job.name, attempt.outcome, number, withNote(message, `a retry with ${decision.resources.ram} MiB can never fit: ${over.join(', ')}`));
      ctx.logger.warn(withNote(message, retryNote(decision, ctx)).split('\n')[0]!);
      await (ctx.clock ?? realClock).sleep(decision.delayMs, ctx.signal);
      resources = decision.resources;
      counts = decision.counts;
    }
  } catch (error) {
    if (started) ctx.progress.jobFinished(false);
    else ctx.progress.jobDropped();
    throw error;
  }
}

/** `first line; note` and the rest of the message (a tool's last words) below. */
function withNote(message: string, note: string): string {
  const [first, ...rest] = message.split('\n');
  return [`${first}; ${note}`, ...rest].join('\n');
}

function retryNote(decision: RetryDecision & { kind: 'retry' }, ctx: AttemptContext): string {
  const limit = { temporaryFailure: ctx.retry.temporaryFailures, eviction: ctx.retry.evictions, oomKill: ctx.retry.oomKills }[decision.cause];
  const size = decision.cause === 'oomKill' ? ` with ${decision.resources.ram} MiB` : '';
  const delay = decision.delayMs > 0 ? ` in ${(decision.delayMs / 1000).toFixed(1)} s` : '';
  return `retrying${size}${delay} (${decision.counts[decision.cause]} of ${limit})`;
}

/**
 * One attempt: directories, the job built at this attempt's resources, then
 * admission by the pool, and the backend's run. The directories are made
 * before admission (a scatter's window of waiting jobs holds a few empty
 * ones), so that a place in the pool is spent running, not making them. The
 * reservation is released when the backend is done (or the attempt could
 * not start), before anything else happens.
 */
async function runAttempt(job: ToolJob, resources: ResourceEvaluation, ctx: AttemptContext, admit: () => Promise<() => void>): Promise<Attempt> {
  let dirs: JobDirectories | undefined;
  let built: CommandLineJob | undefined;
  let release: (() => void) | undefined;
  try {
    dirs = await ctx.scratch.jobDirectories();
    const layout = ctx.backend.layout;
    const { defaultContainer, preservedEnv, hostPath } = ctx.jobs;
    built = await buildCommandLineJob(job.tool, job.inputs, job.requirements, job.engine, {
      dirs, useContainer: layout.containers !== 'never', name: job.name,
      ...(defaultContainer ? { defaultContainer } : {}),
      containerPaths: layout.containerPaths === 'own',
      ...(preservedEnv ? { preservedEnv } : {}),
      ...(hostPath !== undefined ? { hostPath } : {}),
      resources,
    });
    ctx.inplaceUpdates?.claim(job.name, built.staging, job.inputs);
    release = await admit();
    if (ctx.logger.isLevelEnabled('info')) {
      ctx.logger.info({ step: job.name, backend: ctx.backend.name }, `[${job.name}] ${ctx.secrets.commandLine(built.words, built.shellCommand)}`);
    }
    const { outcome, row } = await runRecorded(built, ctx);
    return { built, dirs, outcome, row };
  } catch (error) {
    if (dirs) await ctx.scratch.release(dirs, (built?.staging.length ?? 0) > 0, false);
    throw error;
  } finally {
    release?.();
  }
}

/** The backend's run, and its --usage-report row (exit code -1 when there is none: a pod that failed, a job that never ran). */
async function runRecorded(built: CommandLineJob, ctx: AttemptContext): Promise<{ outcome: JobOutcome; row: UsageRow }> {
  const start = new Date();
  const requested = requestedResources(built.resources);
  const row = (exitCode: number): UsageRow => ({ name: built.name, cores: requested.cores, ramMiB: requested.ramMiB, exitCode, start, finish: new Date() });
  let outcome: JobOutcome;
  try {
    outcome = await ctx.backend.run(built, ctx.signal);
  } catch (error) {
    ctx.usage?.add({ ...row(-1), outputBytes: 0 });
    // A refusal of the reading gate while staging names the read; the step is named here.
    if (error instanceof HostReadRefused && !error.message.startsWith(`${built.name}: `)) throw new PermanentFailure(`${built.name}: ${error.message}`);
    throw error;
  }
  if (outcome.kind !== 'exited') return { outcome, row: row(-1) };
  return { outcome, row: { ...row(outcome.code), ...outcome.ran } };
}

async function discard(attempt: Attempt, ctx: AttemptContext): Promise<void> {
  ctx.usage?.add({ ...attempt.row, outputBytes: 0 });
  await ctx.scratch.release(attempt.dirs, attempt.built.staging.length > 0, false);
}

/**
 * The end of a job that failed for good. One that exited has its outputs
 * collected best-effort, as cwltool does: they are the step's partial
 * outputs, their size the usage row's disk (Calrissian), and its output
 * directory stays for them. A collection that fails leaves none: the
 * failure stays the exit's. Other failures (time limit, pod) are discarded.
 */
async function salvage(attempt: Attempt, ctx: AttemptContext, collect: CollectFailed | undefined): Promise<Record<string, unknown> | undefined> {
  const outcome = attempt.outcome;
  if (outcome.kind !== 'exited' || !collect || ctx.signal.aborted) {
    await discard(attempt, ctx);
    return undefined;
  }
  let outputs: Record<string, unknown> | undefined;
  try {
    outputs = await collect(attempt.built, outcome);
  } catch (error) {
    ctx.logger.debug({ step: attempt.built.name, err: error }, `[${attempt.built.name}] the failed job's outputs cannot be collected`);
  }
  ctx.usage?.add({ ...attempt.row, outputBytes: fileBytes(outputs) });
  await ctx.scratch.release(attempt.dirs, attempt.built.staging.length > 0, outputs !== undefined);
  return outputs;
}

/** Calrissian's disk figure: the sizes of every File in the output object, secondaryFiles and listings included. */
function fileBytes(outputs: unknown): number {
  let bytes = 0;
  forEachFile(outputs, (f) => { if (f.class === 'File' && typeof f.size === 'number') bytes += f.size; });
  return bytes;
}

function finishedJob(attempt: Attempt, ctx: AttemptContext): FinishedJob {
  const outcome = attempt.outcome as JobOutcome & { kind: 'exited' };
  return {
    built: attempt.built,
    outcome,
    finish: async (used, outputs) => {
      ctx.usage?.add({ ...attempt.row, outputBytes: used ? fileBytes(outputs) : 0 });
      ctx.progress.jobFinished(used);
      await ctx.scratch.release(attempt.dirs, attempt.built.staging.length > 0, used);
    },
  };
}
