import { uriToPath } from '../files/uri.js';
import { readHostText } from '../files/hostRead.js';
import { HostReadRefused } from '../files/hostEntry.js';
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
  const limit = options.limit;
  try {
    // Through the gate: a regular file only (not /dev/zero or a FIFO), bounded by the bytes read.
    return await readHostText(file, limit ? `the ${limit.what}` : 'the document', {
      maxBytes: limit?.bytes ?? Number.MAX_SAFE_INTEGER,
      ...(limit ? { tooLarge: (_: string, size?: number) => sizeError(file, size, limit) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // A missing document keeps its short wording; the gate's cause carries the system's code.
    if (error instanceof HostReadRefused && error.cause !== undefined) throw readError(file, error.cause);
    throw error instanceof ValidationError || options.signal?.aborted ? error : readError(file, error);
  }
}

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

/** The stat's size when it showed the file too large, else only that it read past the limit. */
function sizeError(file: string, size: number | undefined, limit: SizeLimit): LoadLimitError {
  if (size === undefined) return new LoadLimitError(`${file}: the ${limit.what} is larger than ${describeLimit(limit)}`);
  return new LoadLimitError(`${file}: the ${limit.what} is ${formatBytes(size)}, more than ${describeLimit(limit)}`);
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
