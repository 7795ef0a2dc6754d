import type { Backend } from '../backends/backend.js';
import type { ExpressionEngines } from '../expressions/engines.js';
import type { Ontologies } from '../load/formats.js';
import type { Logger } from '../logger.js';
import type { ResourcePool } from '../schedule/resourcePool.js';
import type { OutputCollection } from './outputCollection.js';
import type { RemoteInputs } from '../files/remoteInputs.js';
import type { WorkReuse } from './cache/reuse.js';
import type { Clock, RetryLimits } from './retryPolicy.js';
import type { SpareTmpdirs } from './jobDirectories.js';
import type { SecretMask } from '../job/secrets.js';

/** Counts tool jobs as they move through the queue (report/progress.ts draws them). */
export interface JobProgress {
  jobQueued(): void;
  jobStarted(): void;
  jobFinished(ok: boolean): void;
  /** A queued job that never started (cancelled or refused). */
  jobDropped(): void;
}

/** One CommandLineTool job as --usage-report records it: what it requested and when it ran. */
export interface TaskUsage {
  readonly name: string;
  readonly cores: number;
  /** MiB, as the job requested it. */
  readonly ramMiB: number;
  /** MiB: outdirSize + tmpdirSize. */
  readonly diskMiB: number;
  readonly exitCode: number;
  readonly start: Date;
  readonly finish: Date;
}

/** Receives each finished job's usage (report/usageReport.ts writes them). */
export interface UsageRecorder {
  add(task: TaskUsage): void;
}

/** The small, read-only set of dependencies a run passes down explicitly. */
export interface RunContext {
  /** Where every CommandLineTool job runs (chosen by the CLI: the host, or a cluster). */
  readonly backend: Backend;
  readonly engines: ExpressionEngines;
  readonly ontologies: Ontologies;
  readonly logger: Logger;
  /** Turns a finished job's directories into its output object (the collect stage, passed in by the CLI). */
  readonly collect: OutputCollection;
  readonly defaultContainer?: string;
  readonly tmpOutdirPrefix: string;
  readonly tmpdirPrefix: string;
  readonly leaveTmpdir: boolean;
  readonly signal: AbortSignal;
  /** Admits CommandLineTool jobs within --max-cores/--max-ram/--max-gpus. */
  readonly pool: ResourcePool;
  /** After a permanent failure: stop launching steps, or carry on with independent ones. */
  readonly onError: 'stop' | 'continue';
  readonly progress: JobProgress;
  /** Every job output directory this run created: the only places outputs may be moved from. */
  readonly jobOutdirs: Set<string>;
  /** How often each kind of failure is retried (--retries, evictions, --oom-retry) and the backoff between attempts. */
  readonly retry: RetryLimits;
  /** Waits out the backoff between attempts (real time unless a test passes its own). */
  readonly clock?: Clock;
  /** Values of inputs named by cwltool's Secrets hint: never logged (filled as the run meets them). */
  readonly secrets: SecretMask;
  /** Downloads `http(s)://` File locations (job object, defaults) once per run, on the tmpout claim. */
  readonly remote: RemoteInputs;
  /** --preserve-environment: engine variables passed to every tool. */
  readonly preservedEnv?: Readonly<Record<string, string>>;
  /** --strict: refuse what cwltool tolerates where the spec is silent (null items in array outputs). */
  readonly strict?: boolean;
  /** --usage-report: every CommandLineTool job's requested resources and run time. */
  readonly usage?: UsageRecorder;
  /** --cachedir: finished CommandLineTool runs are reused and published here. */
  readonly reuse?: WorkReuse;
  /** Inside a scatter: its finished jobs' empty scratch directories, for its next jobs. */
  readonly spareTmpdirs?: SpareTmpdirs;
}
