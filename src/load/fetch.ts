import { open, type FileHandle } from 'node:fs/promises';
import { uriToPath } from './uri.js';
import { ValidationError, errorMessage } from '../errors.js';
import { LoadLimitError, describeLimit, formatBytes, type SizeLimit } from './limits.js';
import { displayUrl } from './download.js';

export interface FetchOptions {
  /** Refuse a file larger than this, before reading it (or as soon as a download passes it). */
  readonly limit?: SizeLimit;
  readonly signal?: AbortSignal;
}

/** Reads a document from a `file://` or `http(s)://` URI. */
export async function fetchText(uri: string, options: FetchOptions = {}): Promise<string> {
  if (uri.startsWith('http://') || uri.startsWith('https://')) return download(uri, options);
  const file = uriToPath(uri);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw readError(file, error);
  }
  try {
    const { size } = await handle.stat();
    if (!options.limit) return await handle.readFile({ encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) });
    checkSize(file, size, options.limit);
    return await readBounded(handle, file, size, options.limit, options.signal);
  } catch (error) {
    throw error instanceof ValidationError || options.signal?.aborted ? error : readError(file, error);
  } finally {
    await handle.close();
  }
}

/**
 * Reads at most the limit (and one byte more, to tell): the size stat gave is
 * not a bound, as a file can grow, and a device or pipe (`/dev/zero`) has none.
 */
async function readBounded(handle: FileHandle, file: string, size: number, limit: SizeLimit, signal: AbortSignal | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  let received = 0;
  // A regular file is read whole by the first read; the next one sees its end.
  for (let want = Math.max(size + 1, READ_CHUNK); ; want = READ_CHUNK) {
    signal?.throwIfAborted();
    const buffer = Buffer.allocUnsafe(Math.min(want, limit.bytes + 1 - received));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    received += bytesRead;
    checkSize(file, received, limit, true);
    chunks.push(buffer.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks).toString('utf8');
}

const READ_CHUNK = 2 ** 16;

async function download(uri: string, options: FetchOptions): Promise<string> {
  let response: Response;
  try {
    response = await fetch(uri, { signal: options.signal ?? AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new ValidationError(`Cannot fetch ${displayUrl(uri)}: ${errorMessage(error)}`);
  }
  if (!response.ok) throw new ValidationError(`Cannot fetch ${displayUrl(uri)}: HTTP ${response.status} ${response.statusText}`);
  const limit = options.limit;
  if (!limit || !response.body) return response.text();
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared)) checkSize(displayUrl(uri), declared, limit);
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      checkSize(displayUrl(uri), received, limit, true);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ValidationError) {
      await response.body.cancel().catch(() => undefined);
      throw error;
    }
    throw new ValidationError(`Cannot fetch ${displayUrl(uri)}: ${errorMessage(error)}`);
  }
  // As response.text() would: UTF-8, without a byte order mark.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function checkSize(where: string, bytes: number, limit: SizeLimit, partial = false): void {
  if (bytes <= limit.bytes) return;
  if (partial) throw new LoadLimitError(`${where}: the ${limit.what} is larger than ${describeLimit(limit)}`);
  throw new LoadLimitError(`${where}: the ${limit.what} is ${formatBytes(bytes)}, more than ${describeLimit(limit)}`);
}

function readError(file: string, error: unknown): ValidationError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ValidationError(`${file}: no such file`);
  if (code === 'EISDIR') return new ValidationError(`${file}: is a directory, not a document`);
  return new ValidationError(`Cannot read ${file}: ${errorMessage(error)}`);
}
