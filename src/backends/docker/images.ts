import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { checkImages } from './imageReference.js';
import { DEFAULT_MAX_DOCKER_LOAD_BYTES, dockerLoad, dockerLoadPath } from './dockerLoad.js';
import { ImageUnavailable } from './imageUnavailable.js';

const exec = promisify(execFile);

export interface ImageOptions {
  readonly forcePull: boolean;
  /** --disable-pull: a missing image fails the step instead of being pulled. */
  readonly disablePull?: boolean;
  /** The most bytes a dockerLoad file may have (BESPIN_MAX_DOCKER_LOAD_BYTES). */
  readonly maxDockerLoadBytes?: number;
}

/** What a job's image is prepared for: its step (for messages), and whether building it may use the network. */
export interface ImageUse {
  readonly where: string;
  /** NetworkAccess: a dockerFile's RUN steps get Docker's network only then. */
  readonly network: boolean;
}

/**
 * Makes sure each image a run needs is present, once per run: present images
 * are used as they are (compared by Docker's own reference resolution, so
 * `docker.io/python:3-slim` finds `python:3-slim`); missing ones are pulled,
 * loaded or built; a failed pull falls back to a local copy when one exists.
 */
export class DockerImages {
  readonly #ready = new Map<string, Promise<void>>();
  constructor(readonly options: ImageOptions) {}

  async ensure(image: string, requirement: Readonly<Record<string, unknown>>, use: ImageUse): Promise<void> {
    // Every command below also ends its options with `--` or takes the image as `--tag=`.
    checkImages(image, requirement, use.where);
    let ready = this.#ready.get(image);
    if (!ready) {
      ready = this.#prepare(image, requirement, use);
      this.#ready.set(image, ready);
    }
    return ready;
  }

  async #prepare(image: string, req: Readonly<Record<string, unknown>>, use: ImageUse): Promise<void> {
    const where = use.where;
    const present = await imagePresent(image);
    if (typeof req.dockerFile === 'string') {
      if (present && !this.options.forcePull) return;
      // RUN steps are the document's code too: no network unless NetworkAccess says so.
      const network = use.network ? [] : ['--network=none'];
      await run(['build', ...network, `--tag=${image}`, '-'], req.dockerFile, `${where}: cannot build image ${image} from dockerFile`);
      return;
    }
    if (typeof req.dockerLoad === 'string') {
      // Checked before asking Docker anything: a URL or a device is refused whether or not the image is present.
      const file = dockerLoadPath(req.dockerLoad, where);
      if (present && !this.options.forcePull) return;
      await dockerLoad(file, this.options.maxDockerLoadBytes ?? DEFAULT_MAX_DOCKER_LOAD_BYTES, where);
      return;
    }
    if (present && !this.options.forcePull) return;
    if (this.options.disablePull) {
      if (present) return;
      throw new ImageUnavailable(`${where}: image ${image} is not present locally, and --disable-pull forbids pulling it`);
    }
    try {
      await exec('docker', ['pull', '--', image], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      if (present) return;
      const detail = String((error as { stderr?: string }).stderr ?? error).trim().split('\n').pop();
      throw new ImageUnavailable(`${where}: image ${image} is not present locally and cannot be pulled: ${detail}`);
    }
  }
}

export async function imagePresent(image: string): Promise<boolean> {
  try {
    await exec('docker', ['image', 'inspect', '--format={{.Id}}', '--', image]);
    return true;
  } catch {
    return false;
  }
}

function run(args: string[], input: string, failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => reject(new ImageUnavailable(`${failure}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new ImageUnavailable(`${failure}: ${err.trim().split('\n').pop() ?? ''}`))));
    child.stdin.end(input);
  });
}
