import { HostReadRefused } from '../files/hostEntry.js';
import { PermanentFailure } from '../errors.js';
import type { JobOutcome } from '../backends/backend.js';
import { buildCommandLineJob, type CommandLineJob, type JobDirectories } from '../job/commandLineJob.js';
import type { RequirementSet } from '../model/requirements.js';
import { requestedResources, type ResourceEvaluation } from '../job/resources.js';
import type { ExpressionEngine } from '../expressions/index.js';
import type { CommandLineTool } from '../model/types.js';
import type { ResourceRequest } from '../schedule/resourcePool.js';
import { JobFailed, failureMessage, succeeded } from './jobFailure.js';
import { makeJobDirs, removeJobDirs } from './jobDirectories.js';
import { NO_RETRIES, decideRetry, memoryLimitMiB, realClock, type RetryCounts, type RetryDecision } from './retryPolicy.js';
import type { RunContext } from './runContext.js';

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
  /** Ends the job: removes its scratch space (and its output directory unless `used`), counts it done or failed. */
  finish(used: boolean): Promise<void>;
}

interface Attempt {
  readonly built: CommandLineJob;
  readonly dirs: JobDirectories;
  readonly outcome: JobOutcome;
}

/** The part of a run's context that admitting and running jobs uses. */
export type AttemptContext = Pick<RunContext,
  'backend' | 'pool' | 'progress' | 'signal' | 'logger' | 'retry' | 'clock' | 'tmpdirPrefix' | 'tmpOutdirPrefix' | 'leaveTmpdir'
  | 'jobOutdirs' | 'defaultContainer' | 'preservedEnv' | 'secrets' | 'usage' | 'spareTmpdirs'>;

const poolRequest = (r: ResourceEvaluation): ResourceRequest => ({ cores: r.cores, ram: r.ram, gpus: r.bounds.gpus ?? 0 });

/**
 * Runs a job until it succeeds or fails for good. Every retry (temporary
 * failure, eviction, OOMKilled with twice the memory) gives its resources
 * back to the pool, waits its backoff, and is admitted again at its new size,
 * so --max-ram is never over-committed; a size that can never fit fails at
 * once. Each attempt has fresh directories.
 */
export async function runWithRetries(job: ToolJob, ctx: AttemptContext): Promise<FinishedJob> {
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
      await discard(attempt, ctx);
      const decision = decideRetry(attempt.outcome, job.tool.temporaryFailCodes, resources, counts, ctx.retry);
      const message = failureMessage(job.name, attempt.outcome, job.tool.temporaryFailCodes, {
        timeLimitSeconds: attempt.built.timeLimitSeconds, memoryLimitMiB: memoryLimitMiB(resources),
      });
      if (decision.kind === 'final') throw new JobFailed(job.name, attempt.outcome, number, message);
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
    dirs = await makeJobDirs({ tmpdir: ctx.tmpdirPrefix, tmpOutdir: ctx.tmpOutdirPrefix }, ctx.backend.layout, ctx.spareTmpdirs);
    ctx.jobOutdirs.add(dirs.hostOutdir);
    const layout = ctx.backend.layout;
    built = await buildCommandLineJob(job.tool, job.inputs, job.requirements, job.engine, {
      dirs, useContainer: layout.containers !== 'never', name: job.name,
      ...(ctx.defaultContainer ? { defaultContainer: ctx.defaultContainer } : {}),
      containerPaths: layout.containerPaths === 'own',
      ...(ctx.preservedEnv ? { preservedEnv: ctx.preservedEnv } : {}),
      resources,
    });
    release = await admit();
    if (ctx.logger.isLevelEnabled('info')) {
      ctx.logger.info({ step: job.name, backend: ctx.backend.name }, `[${job.name}] ${ctx.secrets.commandLine(built.words, built.shellCommand)}`);
    }
    const outcome = await runRecorded(built, resources, ctx);
    return { built, dirs, outcome };
  } catch (error) {
    if (dirs && !ctx.leaveTmpdir) await removeJobDirs(dirs, (built?.staging.length ?? 0) > 0, false, ctx.jobOutdirs, ctx.spareTmpdirs);
    throw error;
  } finally {
    release?.();
  }
}

/** The backend's run, with a --usage-report row (exit code -1 when there is none: a pod that failed, a job that never ran). */
async function runRecorded(built: CommandLineJob, resources: ResourceEvaluation, ctx: AttemptContext): Promise<JobOutcome> {
  const start = new Date();
  const requested = requestedResources(built.resources);
  const record = (exitCode: number): void => ctx.usage?.add({
    name: built.name, cores: requested.cores, ramMiB: requested.ramMiB, diskMiB: resources.outdirSize + resources.tmpdirSize, exitCode, start, finish: new Date(),
  });
  let outcome: JobOutcome;
  try {
    outcome = await ctx.backend.run(built, ctx.signal);
  } catch (error) {
    record(-1);
    // A refusal of the reading gate while staging names the read; the step is named here.
    if (error instanceof HostReadRefused && !error.message.startsWith(`${built.name}: `)) throw new PermanentFailure(`${built.name}: ${error.message}`);
    throw error;
  }
  record(outcome.kind === 'exited' ? outcome.code : -1);
  return outcome;
}

async function discard(attempt: Attempt, ctx: AttemptContext): Promise<void> {
  if (!ctx.leaveTmpdir) await removeJobDirs(attempt.dirs, attempt.built.staging.length > 0, false, ctx.jobOutdirs, ctx.spareTmpdirs);
}

function finishedJob(attempt: Attempt, ctx: AttemptContext): FinishedJob {
  const outcome = attempt.outcome as JobOutcome & { kind: 'exited' };
  return {
    built: attempt.built,
    outcome,
    finish: async (used) => {
      ctx.progress.jobFinished(used);
      if (!ctx.leaveTmpdir) await removeJobDirs(attempt.dirs, attempt.built.staging.length > 0, used, ctx.jobOutdirs, ctx.spareTmpdirs);
    },
  };
}
