import type { CommandLineJob } from '../../job/commandLineJob.js';
import { DockerBackend, type DockerBackendOptions } from '../docker/dockerBackend.js';
import { ProcessBackend } from '../local/processBackend.js';
import type { Logger } from '../../logger.js';
import type { Backend, ExecutionPlaceKind, JobOutcome, PathLayout } from '../backend.js';

export interface HostBackendOptions {
  /** --no-container sets false: every job is a host process, whatever image it names. */
  readonly containers: boolean;
  /** --tool-logs-basepath: a log file per step. */
  readonly toolLogsBasepath?: string;
  /** Where a tool's uncaptured output goes, line by line, naming its step. */
  readonly logger: Logger;
  readonly docker: Omit<DockerBackendOptions, 'toolLogsBasepath' | 'logger'>;
  /** The step marker this engine was started with (BESPIN_STEP_TOKEN), kept by its own host tools. */
  readonly enclosingStepToken?: string;
}

/**
 * The engine's own machine: a job with a container runs in Docker, one
 * without as a host process (cwltool's split). Which of the two is decided
 * here, by the job, and by nothing above the backends.
 */
export class HostBackend implements Backend {
  readonly name = 'host';
  readonly layout: PathLayout;
  readonly #processes: ProcessBackend;
  readonly #docker: DockerBackend;

  constructor(options: HostBackendOptions) {
    const logs = { logger: options.logger, ...(options.toolLogsBasepath ? { toolLogsBasepath: options.toolLogsBasepath } : {}) };
    this.#processes = new ProcessBackend({ ...logs, ...(options.enclosingStepToken ? { enclosingStepToken: options.enclosingStepToken } : {}) });
    this.#docker = new DockerBackend({ ...options.docker, ...logs });
    this.layout = {
      containers: options.containers ? 'asked' : 'never',
      containerPaths: 'own',
      // Scratch space is always a host directory from --tmpdir-prefix.
      privateTmpdir: () => undefined,
    };
  }

  place(inContainer: boolean): ExecutionPlaceKind {
    return inContainer && this.layout.containers !== 'never' ? 'container' : 'host';
  }

  run(job: CommandLineJob, signal: AbortSignal): Promise<JobOutcome> {
    return job.container ? this.#docker.run(job, signal) : this.#processes.run(job, signal);
  }

  /** Processes and containers are ended by each job's AbortSignal: nothing outlives the run. */
  async close(): Promise<void> {}
}
