/**
 * What execute/ tells later stages about tool jobs as they run, through
 * interfaces it declares: report/ implements them and the CLI passes them in.
 */

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
  /** Bytes of the File outputs collected from the job (0 when none were), as Calrissian totals its disk use. */
  readonly outputBytes: number;
  readonly exitCode: number;
  readonly start: Date;
  readonly finish: Date;
}

/** Receives each finished job's usage (report/usageReport.ts writes them). */
export interface UsageRecorder {
  add(task: TaskUsage): void;
}
