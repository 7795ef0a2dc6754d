import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { UserError, ValidationError, errorMessage } from '../errors.js';
import { formatBytes } from '../model/quantity.js';

/** How much one download may take, in bytes and in time (from the first byte asked for to the last written). */
export interface DownloadLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

/** 64 GiB: a large Earth-observation scene, far below a tmpout claim's usual size; one hour to fetch it. */
export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = { maxBytes: 64 * 2 ** 30, timeoutMs: 3_600_000 };

export const DOWNLOAD_LIMIT_NAMES = {
  maxBytes: { option: '--max-download-size', variable: 'BESPIN_MAX_DOWNLOAD_BYTES' },
  timeoutMs: { option: '--download-timeout', variable: 'BESPIN_DOWNLOAD_TIMEOUT' },
} as const;

export type DownloadFailure =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'connection'; readonly code?: string };

/**
 * A URL as logs and messages show it: a signed URL's query (tokens,
 * signatures) and a password in it are credentials, so they are elided.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    const query = u.search ? '?…' : '';
    u.search = '';
    return `${u.href}${query}`;
  } catch {
    return url;
  }
}

/** A download that failed for a reason the user can act on: the URL, what went wrong. Exit code 1, as cwltool's for an input it cannot fetch. */
export class DownloadError extends UserError {
  constructor(readonly url: string, readonly failure: DownloadFailure, detail: string) {
    super(`cannot download ${displayUrl(url)}: ${detail}`);
  }
}

export interface HttpTextRead {
  /** Refuse a body past this many bytes (the Content-Length, or the bytes received); unbounded without it. */
  readonly maxBytes?: number;
  /** The error for a body past the bound: `size` when the Content-Length already shows it, else it grew past the bound. */
  readonly tooLarge?: (shownUrl: string, size?: number) => Error;
  readonly signal?: AbortSignal;
}

/**
 * The UTF-8 text at an `http(s)://` URL (a document, a job file, an
 * ontology), held in memory, so bounded by `maxBytes`; a minute at most
 * unless `signal` says otherwise. A failure is one line naming the URL.
 */
export async function readHttpText(url: string, options: HttpTextRead = {}): Promise<string> {
  const shown = displayUrl(url);
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal ?? AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new ValidationError(`Cannot fetch ${shown}: ${errorMessage(error)}`);
  }
  if (!response.ok) throw new ValidationError(`Cannot fetch ${shown}: HTTP ${response.status} ${response.statusText}`);
  const maxBytes = options.maxBytes;
  if (maxBytes === undefined || !response.body) return response.text();
  const tooLarge = (size?: number): Error => options.tooLarge?.(shown, size) ?? new ValidationError(`${shown}: larger than ${formatBytes(maxBytes)}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(declared);
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (received > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw error;
    }
    throw new ValidationError(`Cannot fetch ${shown}: ${errorMessage(error)}`);
  }
  // As response.text() would: UTF-8, without a byte order mark.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Streams `url` into a new file at `target` (never held whole in memory),
 * within `limits`; returns the number of bytes written. On any failure the
 * partial file is removed. Cancelling `signal` rejects with its reason.
 */
export async function downloadToFile(url: string, target: string, limits: DownloadLimits, signal?: AbortSignal): Promise<number> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let received = 0;
  // Only a file this call made is removed on failure, never one that was already there.
  let created = false;
  try {
    const response = await fetch(url, { signal: both, redirect: 'follow' });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new DownloadError(url, { kind: 'status', status: response.status }, `HTTP ${response.status} ${response.statusText}`.trim());
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(url, limits, declared);
    }
    const counter = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
        received += chunk.byteLength;
        if (received > limits.maxBytes) done(tooLarge(url, limits));
        else done(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
    const file = createWriteStream(target, { flags: 'wx' }).once('open', () => { created = true; });
    await pipeline(body, counter, file, { signal: both });
    return received;
  } catch (error) {
    if (created) await rm(target, { force: true });
    if (signal?.aborted) throw signal.reason;
    if (error instanceof DownloadError) throw error;
    if (timeout.aborted) {
      throw new DownloadError(url, { kind: 'timeout' }, `not finished within ${limits.timeoutMs / 1000} s (${received} bytes received; ${describeNames('timeoutMs')})`);
    }
    throw connectionError(url, error);
  }
}

/** `declared`: the Content-Length, when the server said it and it is already too much. */
function tooLarge(url: string, limits: DownloadLimits, declared?: number): DownloadError {
  const size = declared === undefined ? 'is larger than' : `is ${formatBytes(declared)}, more than`;
  return new DownloadError(url, { kind: 'too-large' }, `the body ${size} the ${formatBytes(limits.maxBytes)} limit (${describeNames('maxBytes')})`);
}

function describeNames(limit: keyof typeof DOWNLOAD_LIMIT_NAMES): string {
  const { option, variable } = DOWNLOAD_LIMIT_NAMES[limit];
  return `${option} or ${variable}`;
}

const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed before the whole body arrived',
};

const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED',
]);

/** fetch() says only "fetch failed": the reason is in its cause chain. */
function connectionError(url: string, error: unknown): DownloadError {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause instanceof Error && !(cause as NodeJS.ErrnoException).code) cause = cause.cause;
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  if (code && UNTRUSTED_CERTIFICATE.has(code)) {
    return new DownloadError(url, { kind: 'connection', code }, `the server's certificate is not trusted (${code}); name its CA in NODE_EXTRA_CA_CERTS`);
  }
  const detail = (code && CONNECTION_CODES[code]) ?? errorMessage(cause);
  return new DownloadError(url, { kind: 'connection', ...(code ? { code } : {}) }, detail);
}
