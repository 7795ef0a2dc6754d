import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { displayUrl, downloadToFile, DownloadError, type DownloadLimits } from './http.js';
import { withoutFragment } from './uri.js';
import type { Logger } from '../logger.js';
import { OncePerKey } from './oncePerKey.js';

export interface RemoteInputsOptions {
  /**
   * The scratch prefix the downloads' directory is made from: the run's
   * --tmp-outdir-prefix, so that on Kubernetes they land on the tmpout claim
   * every step pod mounts (the engine downloads; pods need no network).
   */
  readonly prefix: string;
  readonly limits: DownloadLimits;
  readonly signal: AbortSignal;
  readonly logger?: Logger;
}

/** `http://` and `https://` locations are fetched; `file://` ones are read where they are. */
export function isRemoteLocation(location: unknown): location is string {
  return typeof location === 'string' && /^https?:\/\//i.test(location);
}

/**
 * The File name a URL gives: the last segment of its path, decoded
 * (`https://h/a/scene%201.tif?x=1` → `scene 1.tif`); `download` when the
 * path gives none or a name that could lead out of a directory.
 */
export function basenameOfUrl(url: string): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    name = '';
  }
  return isPlainName(name) ? name : 'download';
}

/** Whether a name is one entry of a directory, not a way out of it. */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/**
 * The remote inputs of one run: each URL is downloaded once, into a
 * directory of its own under the run's downloads directory, however many
 * steps or scatter elements name it; concurrent requests share one download,
 * and a failure is remembered (and reported to each) rather than retried.
 */
export class RemoteInputs {
  readonly #options: RemoteInputsOptions;
  readonly #downloads = new OncePerKey<string>();
  #directory: Promise<string> | undefined;
  #count = 0;

  constructor(options: RemoteInputsOptions) {
    this.#options = options;
  }

  /** The host path of the URL's content, downloading it on first use. */
  fetch(url: string): Promise<string> {
    const key = withoutFragment(url);
    return this.#downloads.get(key, () => this.#download(key));
  }

  /**
   * Whether a URL names something: fetches it, and counts HTTP 404 and 410 as
   * "no such file" (for secondary files found by pattern); other failures are errors.
   */
  async exists(url: string): Promise<boolean> {
    try {
      await this.fetch(url);
      return true;
    } catch (error) {
      if (error instanceof DownloadError && error.failure.kind === 'status' && (error.failure.status === 404 || error.failure.status === 410)) return false;
      throw error;
    }
  }

  /**
   * The host path of a File literal's contents, written to a file of its own
   * (in the downloads directory, so on Kubernetes every step pod sees it):
   * a workflow's steps and outputs take Files by location, as in cwltool.
   */
  async writeLiteral(contents: string, basename: string): Promise<string> {
    const dir = path.join(await this.#root(), String(this.#count++));
    await mkdir(dir);
    // The File keeps its own basename; only the name on disk must stay inside `dir`.
    const target = path.join(dir, isPlainName(basename) ? basename : 'literal');
    await writeFile(target, contents);
    return target;
  }

  /** A new empty directory for a Directory literal's listing, beside the File literals (see writeLiteral). */
  async literalDirectory(basename: string): Promise<string> {
    const dir = path.join(await this.#root(), String(this.#count++), isPlainName(basename) ? basename : 'literal_dir');
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes every download (after the run, unless its temporary files are kept). */
  async remove(): Promise<void> {
    const dir = await this.#directory?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  async #download(url: string): Promise<string> {
    const root = await this.#root();
    const dir = path.join(root, String(this.#count++));
    await mkdir(dir);
    const target = path.join(dir, basenameOfUrl(url));
    const started = performance.now();
    this.#options.logger?.info(`downloading ${displayUrl(url)}`);
    const bytes = await downloadToFile(url, target, this.#options.limits, this.#options.signal);
    this.#options.logger?.debug({ url: displayUrl(url), bytes, ms: Math.round(performance.now() - started) }, `downloaded ${displayUrl(url)} to ${target}`);
    return target;
  }

  #root(): Promise<string> {
    this.#directory ??= (async () => {
      const prefix = this.#options.prefix;
      await mkdir(prefix.endsWith('/') ? prefix : path.dirname(prefix), { recursive: true });
      return mkdtemp(`${prefix}download-`);
    })();
    return this.#directory;
  }
}
