/**
 * Main-thread side of the JavaScript sandbox: one worker thread, started on
 * the first request, with a heap limit. Requests carry an id; the worker
 * answers them in order, so the oldest unanswered request is the one running.
 *
 * - Timeouts: a watchdog timer terminates a worker whose running request
 *   passes its deadline; that request fails with a timeout, the queued ones
 *   are sent again to a fresh worker. The worker runs scripts without a vm
 *   timeout (each one starts a watchdog thread, a sizeable part of a small
 *   evaluation's cost) and leaves the deadline to this timer. Until the
 *   worker has said it is ready, deadlines get a grace period (its start-up
 *   must not count; a test's worker that never says so keeps the grace).
 * - If the worker dies (out of memory or otherwise), the running request fails
 *   with the reason and the queued ones are sent again to a fresh worker.
 * - ArrayBuffer backing stores are outside the worker's heap limit. The
 *   worker fails an evaluation that added more than the limit when it ends;
 *   one that keeps running is watched here by sampling the worker's external
 *   memory, and the worker is terminated when it passes twice the limit
 *   (garbage of earlier evaluations may still be counted). Either way the
 *   worker is replaced, which frees the memory at once.
 * - The worker is referenced only while requests are pending, so an idle
 *   sandbox never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { ExpressionError, memoryReason, timeoutReason } from './errors.js';
import {
  sandboxWorkerOptions,
  type EvaluateRequest,
  type EvaluateResponse,
  type WorkerMessage,
} from './protocol.js';

const WATCHDOG_GRACE_MS = 2000;
/** How often a running evaluation's ArrayBuffer memory is sampled. */
const MEMORY_SAMPLE_MS = 20;
const MiB = 1024 * 1024;
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
  /** The current worker has started (its `ready` message arrived). */
  #ready = false;
  /** Unanswered requests in the order they were sent (Map keeps insertion order). */
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  readonly #libIds = new Map<string, number>([['', 0]]);
  readonly #libSources: string[] = [''];
  /** Library ids whose source the current worker has received. */
  #sentLibs = new Set<number>([0]);
  #watchdog: NodeJS.Timeout | null = null;
  #memorySampler: NodeJS.Timeout | null = null;
  /** The request that was running at the previous sample (only long-running ones are sampled). */
  #sampledId = 0;
  /** The worker a heap statistics request is outstanding for. */
  #sampling: Worker | null = null;

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
      this.#updateMemorySampler();
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
    this.#updateMemorySampler();
    if (worker !== null) await worker.terminate();
  }

  #startWorker(): Worker {
    const worker = new Worker(this.#workerUrl, sandboxWorkerOptions(this.#memoryMb));
    worker.unref();
    this.#referenced = false;
    this.#workerError = null;
    this.#sentLibs = new Set([0]);
    this.#ready = false;
    worker.on('message', (message: WorkerMessage) => {
      if (worker !== this.#worker) return;
      if ('ready' in message) {
        this.#ready = true;
        this.#armWatchdog();
      } else {
        this.#onResponse(message);
      }
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
      ...(this.#sentLibs.has(entry.libId) ? {} : { lib: this.#libSources[entry.libId]! }),
    };
    this.#sentLibs.add(entry.libId);
    worker.postMessage(request);
  }

  #onResponse(response: EvaluateResponse): void {
    const entry = this.#pending.get(response.id);
    if (entry === undefined) return;
    this.#pending.delete(response.id);
    if (response.ok) {
      let value: unknown;
      try {
        value = JSON.parse(response.json);
      } catch {
        // The worker only sends JSON.stringify output of the context; never
        // let anything else throw in this listener (it would crash the engine).
        const reason = 'internal error: the sandbox sent a result that is not JSON';
        this.#settle(entry, false, new ExpressionError(entry.expression, reason));
        this.#afterAnswer();
        return;
      }
      this.#settle(entry, true, value);
    } else if (response.memory === true) {
      const reason = `${memoryReason(this.#memoryMb)} (${response.error})`;
      this.#settle(entry, false, new ExpressionError(entry.expression, reason));
      // A new worker frees the memory now rather than at some later GC.
      this.#replaceWorker();
      return;
    } else {
      this.#settle(entry, false, new ExpressionError(entry.expression, response.error));
    }
    this.#afterAnswer();
  }

  #afterAnswer(): void {
    this.#armWatchdog();
    this.#updateRef();
    this.#updateMemorySampler();
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

  /** Terminates the worker and resends the unanswered requests to a new one. */
  #replaceWorker(): void {
    const worker = this.#worker;
    this.#worker = null;
    this.#referenced = false;
    if (worker !== null) void worker.terminate();
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
    // Decided after the event loop's poll phase: if this thread was blocked
    // past the deadline, an answer that arrived meanwhile is handled first.
    const [running] = this.#pending.values();
    setImmediate(() => {
      const [current] = this.#pending.values();
      if (current === undefined || current !== running) return;
      const worker = this.#worker;
      this.#worker = null;
      if (worker !== null) void worker.terminate();
      this.#failRunningAndRestart(timeoutReason(this.#timeoutMs));
    });
  }

  /** Samples while requests are pending; see the module comment. */
  #updateMemorySampler(): void {
    const wanted = this.#pending.size > 0;
    if (wanted === (this.#memorySampler !== null)) return;
    if (wanted) {
      this.#memorySampler = setInterval(() => this.#sampleMemory(), MEMORY_SAMPLE_MS);
      this.#memorySampler.unref();
    } else {
      clearInterval(this.#memorySampler!);
      this.#memorySampler = null;
    }
  }

  #sampleMemory(): void {
    const worker = this.#worker;
    const [running] = this.#pending.values();
    if (worker === null || running === undefined) return;
    // Fast evaluations are checked by the worker itself when they end.
    if (running.id !== this.#sampledId) {
      this.#sampledId = running.id;
      return;
    }
    if (this.#sampling === worker) return;
    this.#sampling = worker;
    const limit = 2 * this.#memoryMb * MiB;
    worker.getHeapStatistics().then(
      (stats) => {
        if (this.#sampling === worker) this.#sampling = null;
        if (worker !== this.#worker || stats.external_memory <= limit) return;
        const [current] = this.#pending.values();
        if (current?.id !== running.id) return;
        const used = Math.ceil(stats.external_memory / MiB);
        this.#worker = null;
        void worker.terminate();
        this.#failRunningAndRestart(`${memoryReason(this.#memoryMb)} (ArrayBuffers of ${used} MiB)`);
      },
      () => {
        if (this.#sampling === worker) this.#sampling = null;
      },
    );
  }

  #armWatchdog(): void {
    this.#disarmWatchdog();
    const [running] = this.#pending.values();
    if (running === undefined) return;
    // expressionLib runs before every expression, with a budget of its own.
    const budgetMs = this.#timeoutMs * (running.libId === 0 ? 1 : 2) + (this.#ready ? 0 : WATCHDOG_GRACE_MS);
    this.#watchdog = setTimeout(() => this.#onWatchdog(), budgetMs);
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
