import { spawn } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PermanentFailure, fileProblem } from '../../errors.js';
import { withHostEntry } from '../../files/hostEntry.js';
import { formatBytes } from '../../model/quantity.js';
import { ImageUnavailable } from './imageUnavailable.js';

/** An image archive larger than any image a tool could reasonably ship in one file; BESPIN_MAX_DOCKER_LOAD_BYTES changes it. */
export const DEFAULT_MAX_DOCKER_LOAD_BYTES = 16 * 2 ** 30;
export const DOCKER_LOAD_LIMIT_VARIABLE = 'BESPIN_MAX_DOCKER_LOAD_BYTES';

/**
 * The file a dockerLoad names, resolved against its document at load time
 * (normalizeProcess.ts): a file: URI, or an absolute path. A remote URL is
 * refused: it would be fetched with none of the bounds of remote inputs.
 */
export function dockerLoadPath(reference: string, where: string): string {
  const problem = `${where}: DockerRequirement dockerLoad '${reference}' must be a file path (absolute, or relative to the document)`;
  if (reference.startsWith('/')) return reference;
  if (!reference.startsWith('file:')) throw new PermanentFailure(`${problem}, not a URL`);
  try {
    return fileURLToPath(reference);
  } catch (error) {
    throw new PermanentFailure(`${problem}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Streams the image archive at `file` into `docker load`, through the
 * reading gate (files/hostEntry.ts): a regular file only (a FIFO without a
 * writer would hang, /dev/zero never ends), never one of the engine's own
 * files; at most `maxBytes` bytes are read from it, counted as they are read
 * (a file under /proc says it has 0 bytes).
 */
export async function dockerLoad(file: string, maxBytes: number, where: string): Promise<void> {
  const name = `${where}: DockerRequirement dockerLoad`;
  await withHostEntry(file, name, undefined, async (handle, entry) => {
    if (entry.kind !== 'File') throw new PermanentFailure(`${name} ${file} is a directory, not an image archive`);
    const tooLarge = `${name} ${file} is larger than the ${formatBytes(maxBytes)} limit (${DOCKER_LOAD_LIMIT_VARIABLE})`;
    if (entry.size > maxBytes) throw new PermanentFailure(tooLarge);
    await streamInto(handle, maxBytes, { tooLarge, failed: `${where}: cannot load image from ${file}` });
  });
}

/** Writes the file into `docker load`'s stdin, ending both the moment more than `maxBytes` have been read. */
function streamInto(handle: FileHandle, maxBytes: number, messages: { readonly tooLarge: string; readonly failed: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['load'], { stdio: ['pipe', 'ignore', 'pipe'] });
    // `end` is inclusive: one byte more than allowed is enough to know.
    const source = handle.createReadStream({ autoClose: false, start: 0, end: maxBytes });
    let read = 0;
    let refusal: string | undefined;
    let err = '';
    const stop = (why: string): void => {
      refusal ??= why;
      source.destroy();
      child.kill('SIGKILL');
    };
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    source.on('data', (chunk: string | Buffer) => {
      read += chunk.length;
      if (read > maxBytes) return stop(messages.tooLarge);
      if (!child.stdin.write(chunk)) {
        source.pause();
        child.stdin.once('drain', () => source.resume());
      }
    });
    source.on('end', () => child.stdin.end());
    source.on('error', (error) => stop(`${messages.failed}: ${fileProblem(error)}`));
    // A docker that exits early closes its stdin: its exit status says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => reject(new ImageUnavailable(`${messages.failed}: ${e.message}`)));
    child.on('close', (code) => {
      source.destroy();
      if (refusal !== undefined) reject(new PermanentFailure(refusal));
      else if (code === 0) resolve();
      else reject(new ImageUnavailable(`${messages.failed}: ${err.trim().split('\n').pop() ?? ''}`));
    });
  });
}
