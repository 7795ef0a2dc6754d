import { uriToPath } from '../files/uri.js';
import { readHostText } from '../files/hostRead.js';
import { HostReadRefused } from '../files/hostEntry.js';
import { readHttpText } from '../files/http.js';
import { ValidationError, errorMessage } from '../errors.js';
import { formatBytes } from '../model/quantity.js';
import { LoadLimitError, describeLimit, type SizeLimit } from './limits.js';

export interface FetchOptions {
  /** Refuse a file larger than this, before reading it (or as soon as a download passes it). */
  readonly limit?: SizeLimit;
  readonly signal?: AbortSignal;
}

/** Reads a document from a `file://` or `http(s)://` URI. */
export async function fetchText(uri: string, options: FetchOptions = {}): Promise<string> {
  const limit = options.limit;
  if (uri.startsWith('http://') || uri.startsWith('https://')) {
    return readHttpText(uri, {
      ...(limit ? { maxBytes: limit.bytes, tooLarge: (shown: string, size?: number) => sizeError(shown, size, limit) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  const file = uriToPath(uri);
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

/** The stat's (or Content-Length's) size when it showed the file too large, else only that it read past the limit. */
function sizeError(file: string, size: number | undefined, limit: SizeLimit): LoadLimitError {
  if (size === undefined) return new LoadLimitError(`${file}: the ${limit.what} is larger than ${describeLimit(limit)}`);
  return new LoadLimitError(`${file}: the ${limit.what} is ${formatBytes(size)}, more than ${describeLimit(limit)}`);
}

function readError(file: string, error: unknown): ValidationError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ValidationError(`${file}: no such file`);
  if (code === 'EISDIR') return new ValidationError(`${file}: is a directory, not a document`);
  return new ValidationError(`Cannot read ${file}: ${errorMessage(error)}`);
}
