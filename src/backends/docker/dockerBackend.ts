import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CommandLineJob } from '../../build/commandLineJob.js';
import { stageForContainer, type Mount } from '../../build/staging.js';
import { InternalError } from '../../errors.js';
import { runWithRedirects } from '../local/processBackend.js';
import type { Backend, ProcessOutcome } from '../backend.js';
import { DockerImages } from './images.js';

export interface DockerBackendOptions {
  readonly forcePull: boolean;
  /** Keep containers after they exit (--leave-container). */
  readonly leaveContainer: boolean;
  /** --tool-logs-basepath: a log file per step. */
  readonly toolLogsBasepath?: string;
}

/** Runs each tool in a Docker container as the invoking user, inputs mounted read-only. */
export class DockerBackend implements Backend {
  readonly name = 'docker';
  readonly #images: DockerImages;

  constructor(readonly options: DockerBackendOptions) {
    this.#images = new DockerImages({ forcePull: options.forcePull });
  }

  async run(job: CommandLineJob, signal: AbortSignal): Promise<ProcessOutcome> {
    const container = job.container;
    if (!container) throw new InternalError(`${job.name}: DockerBackend given a job without a container`);
    await this.#images.ensure(container.image, container.requirement, job.name);
    const outdir = job.runtime.outdir;
    const mounts = await stageForContainer(job.staging, outdir, job.dirs.hostOutdir, job.dirs.hostStageDir);
    const name = `bespin-${randomBytes(6).toString('hex')}`;
    const args = ['run', '-i', `--name=${name}`, `--workdir=${outdir}`, `--user=${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`];
    if (!this.options.leaveContainer) args.push('--rm');
    if (!job.networkAccess) args.push('--network=none');
    const all: Mount[] = [
      { source: job.dirs.hostOutdir, target: outdir, readonly: false },
      { source: job.dirs.hostTmpdir, target: job.runtime.tmpdir, readonly: false },
      ...mounts,
    ];
    for (const m of all) args.push(`--mount=type=bind,source=${m.source},target=${m.target}${m.readonly ? ',readonly' : ''}`);
    for (const [k, v] of Object.entries(job.env)) args.push(`--env=${k}=${v}`);
    args.push(container.image, ...job.argv);
    const toHost = (p: string): string => {
      const m = all.filter((x) => p === x.target || p.startsWith(x.target + '/')).sort((a, b) => b.target.length - a.target.length)[0];
      return m ? path.join(m.source, p.slice(m.target.length)) : p;
    };
    const hostEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    return runWithRedirects(job, ['docker', ...args], job.dirs.hostOutdir, hostEnv, signal, toHost, { toolLogsBasepath: this.options.toolLogsBasepath, onKill: () => killContainer(name) });
  }
}

function killContainer(name: string): Promise<void> {
  return new Promise((resolve) => execFile('docker', ['rm', '-f', name], () => resolve()));
}
