/**
 * Where loading runs. Parsing, validating and normalizing a large document
 * takes seconds of synchronous work, during which the main thread could not
 * handle a signal (issue 9); so a load starts in the main thread with tight
 * limits and a deadline, and starts over in a worker thread when it meets
 * one of them. The worker is ended as soon as the caller's signal aborts; if
 * its heap runs out anyway, that is an error about the document, not a crash
 * of the engine. Small inputs, the common case, cost no worker start-up.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  InternalError, PermanentFailure, TemporaryFailure, UnsupportedRequirementError, UserError, ValidationError,
} from '../errors.js';
import { uriToPath } from '../files/uri.js';
import { LoadLimitError, type LoadLimits } from './limits.js';
import { LoadGuard } from './guard.js';
import { protectedEngineCredentials } from '../files/hostEntry.js';

/**
 * How much the main thread loads itself: files this small parse and validate
 * in well under a second each, and a load may keep the thread busy for 250 ms
 * in all (waits for files and downloads aside) before it moves to a worker.
 */
export const MAIN_THREAD_LOAD = {
  documentBytes: 256 * 2 ** 10,
  jobFileBytes: 2 ** 20,
  busyMs: 250,
} as const;

const WORKER_URL = new URL('./loadWorker.js', import.meta.url);

export type LoadRequest =
  | {
    readonly kind: 'process'; readonly uri: string; readonly limits: LoadLimits; readonly skipSchemaValidation: boolean;
    readonly validationCacheDir?: string | undefined; readonly nonStrict: boolean;
  }
  | { readonly kind: 'job'; readonly uri: string; readonly limits: LoadLimits }
  | { readonly kind: 'ontology'; readonly uri: string; readonly limits: LoadLimits };

/** What a load worker is started with: the request, and the engine's credentials its read gates refuse as this thread's do. */
export interface LoadWorkerData {
  readonly request: LoadRequest;
  readonly credentials: readonly string[];
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type LoadResponse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError };

/**
 * Runs `here` in this thread with the main-thread limits; if it meets one,
 * runs the request in a worker with the real limits instead.
 */
export async function hereOrInWorker<T>(
  request: LoadRequest, signal: AbortSignal | undefined, here: (limits: LoadLimits, guard: LoadGuard) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const limits: LoadLimits = {
    ...request.limits,
    documentBytes: Math.min(request.limits.documentBytes, MAIN_THREAD_LOAD.documentBytes),
    jobFileBytes: Math.min(request.limits.jobFileBytes, MAIN_THREAD_LOAD.jobFileBytes),
  };
  const guard = new LoadGuard(signal, MAIN_THREAD_LOAD.busyMs);
  try {
    const value = await here(limits, guard);
    // A signal that arrived while this thread was busy is handled in the next
    // poll phase of the event loop: the second immediate runs after it.
    await nextTurn();
    await nextTurn();
    signal?.throwIfAborted();
    return value;
  } catch (error) {
    if (!(error instanceof LoadLimitError)) throw error;
  } finally {
    guard.stop();
  }
  return inLoadWorker<T>(request, signal);
}

/** Runs one load in a fresh worker; rejects with `signal.reason` as soon as the signal aborts. */
export function inLoadWorker<T>(request: LoadRequest, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    // The old generation is the engine's (--max-old-space-size); a small young
    // generation lets the worker stop within V8's last 16 MiB when it runs out,
    // instead of taking the process down with it.
    // Taken when needed, not imported: most runs start no worker (see sandbox.ts).
    const worker = new (process.getBuiltinModule('node:worker_threads').Worker)(WORKER_URL, { name: 'bespin-load', workerData: { request, credentials: protectedEngineCredentials() } satisfies LoadWorkerData, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      finish();
    };
    const onAbort = (): void => settle(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (response: LoadResponse) => settle(() => {
      if (response.ok) resolve(response.value as T);
      else reject(reviveError(response.error));
    }));
    worker.once('error', (error: Error & { code?: string }) => settle(() => reject(workerFailure(error, request))));
    worker.once('exit', (code) => settle(() => reject(new InternalError(`the loader of ${uriToPath(request.uri)} stopped (exit code ${code}) without an answer`))));
  });
}

/** The worker's side: an error as plain data (class name and message). */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

const ERROR_CLASSES: Readonly<Record<string, new (message: string) => Error>> = {
  ValidationError, LoadLimitError, UnsupportedRequirementError, PermanentFailure, TemporaryFailure, UserError, InternalError,
};

function reviveError(error: SerializedError): Error {
  const ErrorClass = Object.hasOwn(ERROR_CLASSES, error.name) ? ERROR_CLASSES[error.name]! : Error;
  const revived = new ErrorClass(error.message);
  // The worker's stack says where it went wrong, for --debug.
  if (error.stack) revived.stack = error.stack;
  return revived;
}

function workerFailure(error: Error & { code?: string }, request: LoadRequest): Error {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const heapMiB = Math.round(process.getBuiltinModule('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20);
    const what = request.kind === 'job' ? 'job file' : request.kind === 'ontology' ? 'ontology' : 'document';
    return new ValidationError(`${uriToPath(request.uri)}: loading the ${what} needs more than the engine's ${heapMiB} MiB heap; refusing it`);
  }
  return new InternalError(`the loader of ${uriToPath(request.uri)} failed: ${error.message}`, { cause: error });
}
