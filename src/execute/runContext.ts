import type { Backend } from '../backends/backend.js';
import type { ExpressionEngines } from '../build/expressionEngines.js';
import type { Ontologies } from '../build/formats.js';
import type { Logger } from '../report/logger.js';
import type { ResourcePool } from '../schedule/resourcePool.js';
import type { Progress } from '../report/progress.js';
import type { UsageReport } from '../report/usageReport.js';
import type { RemoteInputs } from '../build/remoteInputs.js';
import type { WorkReuse } from './cache/reuse.js';
import type { Clock, RetryLimits } from './retryPolicy.js';

/** The small, read-only set of dependencies a run passes down explicitly. */
export interface RunContext {
  /** Where every CommandLineTool job runs (chosen by the CLI: the host, or a cluster). */
  readonly backend: Backend;
  readonly engines: ExpressionEngines;
  readonly ontologies: Ontologies;
  readonly logger: Logger;
  readonly defaultContainer?: string;
  readonly tmpOutdirPrefix: string;
  readonly tmpdirPrefix: string;
  readonly leaveTmpdir: boolean;
  readonly signal: AbortSignal;
  /** Admits CommandLineTool jobs within --max-cores/--max-ram/--max-gpus. */
  readonly pool: ResourcePool;
  /** After a permanent failure: stop launching steps, or carry on with independent ones. */
  readonly onError: 'stop' | 'continue';
  readonly progress: Progress;
  /** Every job output directory this run created: the only places outputs may be moved from. */
  readonly jobOutdirs: Set<string>;
  /** How often each kind of failure is retried (--retries, evictions, --oom-retry) and the backoff between attempts. */
  readonly retry: RetryLimits;
  /** Waits out the backoff between attempts (real time unless a test passes its own). */
  readonly clock?: Clock;
  /** Values of inputs named by cwltool's Secrets hint: never logged (filled as the run meets them). */
  readonly secrets: Set<string>;
  /** Downloads `http(s)://` File locations (job object, defaults) once per run, on the tmpout claim. */
  readonly remote: RemoteInputs;
  /** --preserve-environment: engine variables passed to every tool. */
  readonly preservedEnv?: Readonly<Record<string, string>>;
  /** --strict: refuse what cwltool tolerates where the spec is silent (null items in array outputs). */
  readonly strict?: boolean;
  /** --usage-report: every CommandLineTool job's requested resources and run time. */
  readonly usage?: UsageReport;
  /** --cachedir: finished CommandLineTool runs are reused and published here. */
  readonly reuse?: WorkReuse;
}
