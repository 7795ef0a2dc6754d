import { mkdir } from 'node:fs/promises';
import type { CommandLineJob } from '../../job/commandLineJob.js';
import { stageOnHost } from '../host/hostStaging.js';
import { runWithRedirects } from '../host/childProcesses.js';
import type { JobOutcome } from '../backend.js';
import type { Logger } from '../../logger.js';
import { StepProcesses } from './stepProcesses.js';

export interface ProcessBackendOptions {
  /** Where a tool's uncaptured output goes, line by line, naming its step. */
  readonly logger: Logger;
  /** --tool-logs-basepath: a log file per step. */
  readonly toolLogsBasepath?: string;
  /** The step marker this engine was started with, when it is itself a host tool of another engine (BESPIN_STEP_TOKEN). */
  readonly enclosingStepToken?: string;
}

/** Runs tools as host processes, in their output directory, with only the job's environment (the host backend's jobs without a container). */
export class ProcessBackend {
  constructor(readonly options: ProcessBackendOptions) {}

  async run(job: CommandLineJob, signal: AbortSignal): Promise<JobOutcome> {
    if (job.staging.length > 0) await mkdir(job.dirs.hostStageDir, { recursive: true });
    await stageOnHost(job.staging, [job.dirs.hostOutdir, job.dirs.hostStageDir]);
    const processes = new StepProcesses(this.options.enclosingStepToken);
    return runWithRedirects(job, job.argv, job.dirs.hostOutdir, processes.environment(job.env), signal, (p) => p, { ...this.options, processes });
  }
}

