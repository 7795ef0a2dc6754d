import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { PermanentFailure, fileProblem } from '../../errors.js';
import { uriToPath } from '../../load/uri.js';
import { checkImages } from './imageReference.js';

const exec = promisify(execFile);

export interface ImageOptions {
  readonly forcePull: boolean;
  /** --disable-pull: a missing image fails the step instead of being pulled. */
  readonly disablePull?: boolean;
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

  async ensure(image: string, requirement: Readonly<Record<string, unknown>>, where: string): Promise<void> {
    // Every command below also ends its options with `--` or takes the image as `--tag=`.
    checkImages(image, requirement, where);
    let ready = this.#ready.get(image);
    if (!ready) {
      ready = this.#prepare(image, requirement, where);
      this.#ready.set(image, ready);
    }
    return ready;
  }

  async #prepare(image: string, req: Readonly<Record<string, unknown>>, where: string): Promise<void> {
    const present = await imagePresent(image);
    if (typeof req.dockerFile === 'string') {
      if (present && !this.options.forcePull) return;
      await run(['build', `--tag=${image}`, '-'], req.dockerFile, `${where}: cannot build image ${image} from dockerFile`);
      return;
    }
    if (typeof req.dockerLoad === 'string') {
      if (present && !this.options.forcePull) return;
      const file = uriToPath(req.dockerLoad);
      const data = await readFile(file).catch((error: unknown) => { throw new PermanentFailure(`${where}: dockerLoad file ${file}: ${fileProblem(error)}`); });
      await run(['load'], data, `${where}: cannot load image from ${file}`);
      return;
    }
    if (present && !this.options.forcePull) return;
    if (this.options.disablePull) {
      if (present) return;
      throw new PermanentFailure(`${where}: image ${image} is not present locally, and --disable-pull forbids pulling it`);
    }
    try {
      await exec('docker', ['pull', '--', image], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      if (present) return;
      const detail = String((error as { stderr?: string }).stderr ?? error).trim().split('\n').pop();
      throw new PermanentFailure(`${where}: image ${image} is not present locally and cannot be pulled: ${detail}`);
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

function run(args: string[], input: string | Buffer, failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => reject(new PermanentFailure(`${failure}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new PermanentFailure(`${failure}: ${err.trim().split('\n').pop() ?? ''}`))));
    child.stdin.end(input);
  });
}
