/**
 * Main-thread side of the JavaScript sandbox: one worker thread, started on
 * the first request, with a heap limit. Requests carry an id; the worker
 * answers them in order, so the oldest unanswered request is the one running.
 *
 * - A watchdog timer (vm timeout + grace) terminates a worker that stops
 *   answering; the running request fails with a timeout, the queued ones are
 *   sent again to a fresh worker.
 * - If the worker dies (out of memory or otherwise), the running request fails
 *   with the reason and the queued ones are sent again to a fresh worker.
 * - The worker is referenced only while requests are pending, so an idle
 *   sandbox never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { ExpressionError, memoryReason, timeoutReason } from './errors.js';
import { sandboxWorkerOptions, type EvaluateRequest, type EvaluateResponse } from './protocol.js';

const WATCHDOG_GRACE_MS = 2000;
const WORKER_URL = new URL('./sandboxWorker.js', import.meta.url);

interface Pending {
  readonly id: number;
  readonly kind: 'expression' | 'body';
  readonly code: string;
  readonly libId: number;
  readonly data: string;
  /** The `$(...)`/`${...}` text, for error messages. */
  readonly expression: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Watchdog budget once this request is the running one. */
  budgetMs: number;
  /** Already rejected because the caller aborted; the answer is dropped. */
  settled: boolean;
  cleanup: (() => void) | null;
}

export class SandboxHost {
  readonly #timeoutMs: number;
  readonly #memoryMb: number;
  readonly #workerUrl: URL;
  #worker: Worker | null = null;
  #referenced = false;
  #workerError: unknown = null;
  /** Unanswered requests in the order they were sent (Map keeps insertion order). */
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  readonly #libIds = new Map<string, number>([['', 0]]);
  readonly #libSources: string[] = [''];
  /** Library ids whose source the current worker has received. */
  #sentLibs = new Set<number>([0]);
  #watchdog: NodeJS.Timeout | null = null;

  /** `workerUrl` exists for tests (a worker that misbehaves on purpose). */
  constructor(timeoutMs: number, memoryMb: number, workerUrl: URL = WORKER_URL) {
    this.#timeoutMs = timeoutMs;
    this.#memoryMb = memoryMb;
    this.#workerUrl = workerUrl;
  }

  /** A small id for an expressionLib source (the concatenated library code). */
  libId(source: string): number {
    let id = this.#libIds.get(source);
    if (id === undefined) {
      id = this.#libSources.length;
      this.#libSources.push(source);
      this.#libIds.set(source, id);
    }
    return id;
  }

  /** Evaluates `$(code)` or `${code}`; resolves to the JSON value (undefined → null). */
  evaluate(
    kind: 'expression' | 'body',
    code: string,
    libId: number,
    data: string,
    expression: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const entry: Pending = {
        id: this.#nextId++,
        kind,
        code,
        libId,
        data,
        expression,
        resolve,
        reject,
        budgetMs: 0,
        settled: false,
        cleanup: null,
      };
      if (signal !== undefined) {
        const onAbort = (): void => this.#settle(entry, false, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#pending.set(entry.id, entry);
      this.#send(entry);
      if (this.#pending.size === 1) this.#armWatchdog();
      this.#updateRef();
    });
  }

  /** Terminates the worker; pending evaluations fail. A later evaluation starts a new worker. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#disarmWatchdog();
    for (const entry of this.#pending.values()) {
      this.#settle(entry, false, new ExpressionError(entry.expression, 'the expression engine was closed'));
    }
    this.#pending.clear();
    this.#referenced = false;
    if (worker !== null) await worker.terminate();
  }

  #startWorker(): Worker {
    const worker = new Worker(this.#workerUrl, sandboxWorkerOptions(this.#memoryMb));
    worker.unref();
    this.#referenced = false;
    this.#workerError = null;
    this.#sentLibs = new Set([0]);
    worker.on('message', (response: EvaluateResponse) => {
      if (worker === this.#worker) this.#onResponse(response);
    });
    worker.on('error', (error: unknown) => {
      if (worker === this.#worker) this.#workerError = error;
    });
    worker.on('exit', (code: number) => {
      if (worker === this.#worker) this.#onWorkerDied(code);
    });
    this.#worker = worker;
    return worker;
  }

  #send(entry: Pending): void {
    let worker: Worker;
    try {
      worker = this.#worker ?? this.#startWorker();
    } catch (error) {
      this.#pending.delete(entry.id);
      const reason = `the JavaScript sandbox could not be started: ${String(error)}`;
      this.#settle(entry, false, new ExpressionError(entry.expression, reason, { cause: error }));
      return;
    }
    const request: EvaluateRequest = {
      id: entry.id,
      kind: entry.kind,
      code: entry.code,
      libId: entry.libId,
      data: entry.data,
      timeoutMs: this.#timeoutMs,
      ...(this.#sentLibs.has(entry.libId) ? {} : { lib: this.#libSources[entry.libId]! }),
    };
    // Loading a library is also bounded by the vm timeout.
    entry.budgetMs = this.#timeoutMs * (request.lib === undefined ? 1 : 2) + WATCHDOG_GRACE_MS;
    this.#sentLibs.add(entry.libId);
    worker.postMessage(request);
  }

  #onResponse(response: EvaluateResponse): void {
    const entry = this.#pending.get(response.id);
    if (entry === undefined) return;
    this.#pending.delete(response.id);
    if (response.ok) {
      // The text comes from JSON.stringify in the sandbox: it always parses.
      this.#settle(entry, true, JSON.parse(response.json));
    } else {
      const reason = response.timeout === true ? timeoutReason(this.#timeoutMs) : response.error;
      this.#settle(entry, false, new ExpressionError(entry.expression, reason));
    }
    this.#afterAnswer();
  }

  #afterAnswer(): void {
    this.#armWatchdog();
    this.#updateRef();
  }

  #settle(entry: Pending, ok: boolean, value: unknown): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.cleanup?.();
    if (ok) entry.resolve(value);
    else entry.reject(value);
  }

  /** Fails the running request with `reason` and resends the queued ones. */
  #failRunningAndRestart(reason: string): void {
    this.#disarmWatchdog();
    const [running] = this.#pending.values();
    if (running !== undefined) {
      this.#pending.delete(running.id);
      this.#settle(running, false, new ExpressionError(running.expression, reason));
    }
    this.#worker = null;
    this.#referenced = false;
    for (const entry of this.#pending.values()) this.#send(entry);
    this.#afterAnswer();
  }

  #onWorkerDied(exitCode: number): void {
    const error = this.#workerError as { code?: unknown; message?: unknown } | null;
    const reason =
      error?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? memoryReason(this.#memoryMb)
        : `the JavaScript sandbox stopped unexpectedly (exit code ${exitCode}${
            error === null ? '' : `: ${String(error.message ?? error)}`
          })`;
    this.#failRunningAndRestart(reason);
  }

  #onWatchdog(): void {
    const worker = this.#worker;
    this.#worker = null;
    if (worker !== null) void worker.terminate();
    this.#failRunningAndRestart(timeoutReason(this.#timeoutMs));
  }

  #armWatchdog(): void {
    this.#disarmWatchdog();
    const [running] = this.#pending.values();
    if (running === undefined) return;
    this.#watchdog = setTimeout(() => this.#onWatchdog(), running.budgetMs);
    this.#watchdog.unref();
  }

  #disarmWatchdog(): void {
    if (this.#watchdog !== null) clearTimeout(this.#watchdog);
    this.#watchdog = null;
  }

  #updateRef(): void {
    const worker = this.#worker;
    if (worker === null) return;
    const wanted = this.#pending.size > 0;
    if (wanted === this.#referenced) return;
    if (wanted) worker.ref();
    else worker.unref();
    this.#referenced = wanted;
  }
}
