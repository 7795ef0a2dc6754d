import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { CommandLineJob } from '../../job/commandLineJob.js';
import { stageForContainer } from '../host/hostStaging.js';
import { InternalError, containerUnavailable } from '../../errors.js';
import { runWithRedirects } from '../host/childProcesses.js';
import type { JobOutcome } from '../backend.js';
import type { Logger } from '../../logger.js';
import { checkContainerPaths } from './containerPaths.js';
import { checkImages } from './imageReference.js';
import { DockerImages } from './images.js';
import { ImageUnavailable } from './imageUnavailable.js';
import { dockerRunArguments, jobRunInput } from './runArguments.js';
import { clearSetIdBits, mayRunAsRoot } from './setIdBits.js';

export interface DockerBackendOptions {
  readonly forcePull: boolean;
  /** Keep containers after they exit (--leave-container). */
  readonly leaveContainer: boolean;
  /** --tool-logs-basepath: a log file per step. */
  readonly toolLogsBasepath?: string;
  /** Where a tool's uncaptured output goes, line by line, naming its step. */
  readonly logger: Logger;
  /** --no-match-user sets false: run as the image's user, not the invoking one. */
  readonly matchUser?: boolean;
  /** --strict-memory-limit: limit each container to its runtime.ram. */
  readonly strictMemoryLimit?: boolean;
  /** --disable-pull: use local images only. */
  readonly disablePull?: boolean;
  /** --no-read-only sets false: the image's file system is writable, as the tool's own scratch. */
  readonly readOnly?: boolean;
  /** The most bytes a dockerLoad file may have. */
  readonly maxDockerLoadBytes?: number;
  /** The engine's environment (the CLI read it), which the Docker client runs with: DOCKER_HOST, DOCKER_CONFIG, PATH. */
  readonly clientEnvironment: Readonly<Record<string, string>>;
}

/** Runs each tool in a Docker container as the invoking user, inputs mounted read-only (the host backend's jobs with a container). */
export class DockerBackend {
  readonly #images: DockerImages;

  constructor(readonly options: DockerBackendOptions) {
    this.#images = new DockerImages({
      forcePull: options.forcePull, disablePull: options.disablePull === true,
      ...(options.maxDockerLoadBytes !== undefined ? { maxDockerLoadBytes: options.maxDockerLoadBytes } : {}),
    });
  }

  async run(job: CommandLineJob, signal: AbortSignal): Promise<JobOutcome> {
    const container = job.container;
    if (!container) throw new InternalError(`${job.name}: DockerBackend given a job without a container`);
    // Everything the document controls is checked before anything is pulled, staged or run.
    checkImages(container.image, container.requirement, job.name);
    checkContainerPaths(job);
    try {
      await this.#images.ensure(container.image, container.requirement, { where: job.name, network: job.networkAccess });
    } catch (error) {
      // The same image may be a requirement of one tool and a hint of another: each job says which it is.
      throw error instanceof ImageUnavailable ? containerUnavailable(error.message, container.required, error) : error;
    }
    // What the container sees is the job's path map: made where it places it, mounted as it says.
    await stageForContainer(job.paths.placed, job.dirs);
    const name = `bespin-${randomBytes(6).toString('hex')}`;
    const user = this.options.matchUser === false ? undefined : `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    const args = dockerRunArguments(jobRunInput(job, container.image, { ...this.options, name, user }));
    const outcome = await runWithRedirects(job, ['docker', ...args], job.dirs.hostOutdir, this.options.clientEnvironment, signal, (p) => job.paths.toHost(p), { logger: this.options.logger, toolLogsBasepath: this.options.toolLogsBasepath, onKill: () => killContainer(name) });
    // The container is gone (or killed): what it left as the host's root cannot be a set-user-ID program in --outdir.
    if (mayRunAsRoot(user)) await clearSetIdBits(job.dirs.hostOutdir);
    return outcome;
  }
}

function killContainer(name: string): Promise<void> {
  return new Promise((resolve) => execFile('docker', ['rm', '-f', name], () => resolve()));
}
