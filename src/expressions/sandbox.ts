/**
 * Main-thread side of the JavaScript sandbox, and the one owner of its
 * worker thread: started on the first request, with a heap limit. Requests
 * carry an id; the worker answers them in order, so the oldest unanswered
 * request is the one running (sandboxRequests.ts).
 *
 * - Timeouts: the watchdog (sandboxLimits.ts) fires at the running request's
 *   deadline; the worker is terminated, that request fails with a timeout,
 *   the queued ones are sent again to a fresh worker.
 * - If the worker dies (out of memory or otherwise), the running request fails
 *   with the reason and the queued ones are sent again to a fresh worker.
 * - ArrayBuffer memory past the limit (reported by the worker, or sampled
 *   here for a request that keeps running), or resident memory grown past its
 *   limit while a request runs, fails the evaluation and replaces the worker,
 *   which frees the memory at once.
 * - The worker is referenced only while requests are pending, so an idle
 *   sandbox never keeps the process alive.
 */
import type { Worker } from 'node:worker_threads';
import { ExpressionError, memoryReason, residentMemoryReason, timeoutReason } from './errors.js';
import { sandboxWorkerOptions, type EvaluateResponse, type WorkerMessage } from './protocol.js';
import { EvaluationWatchdog, MemorySampler, MiB, type MemoryExcess } from './sandboxLimits.js';
import { ExpressionLibraries, PendingEvaluations, settle, type PendingEvaluation } from './sandboxRequests.js';

const WORKER_URL = new URL('./sandboxWorker.js', import.meta.url);

export class SandboxHost {
  readonly #timeoutMs: number;
  readonly #memoryMb: number;
  readonly #residentMemoryMb: number;
  /** The worker evaluations are sent to, and the first evaluation sent to it. */
  #firstOnWorker: { readonly worker: Worker; readonly id: number } | undefined;
  readonly #workerUrl: URL;
  #worker: Worker | null = null;
  #referenced = false;
  #workerError: unknown = null;
  /** The current worker has started (its `ready` message arrived). */
  #ready = false;
  /** The termination of a replaced worker, until it is done. */
  #retiring: Promise<void> | null = null;
  readonly #pending = new PendingEvaluations();
  readonly #libraries = new ExpressionLibraries();
  readonly #watchdog: EvaluationWatchdog;
  readonly #memorySampler: MemorySampler;

  /**
   * `residentMemoryMb`: how much the process's resident memory may grow while
   * one evaluation runs. `workerUrl` exists for tests (a worker that
   * misbehaves on purpose).
   */
  constructor(timeoutMs: number, memoryMb: number, workerUrl: URL = WORKER_URL, residentMemoryMb = 512) {
    this.#timeoutMs = timeoutMs;
    this.#memoryMb = memoryMb;
    this.#residentMemoryMb = residentMemoryMb;
    this.#workerUrl = workerUrl;
    this.#watchdog = new EvaluationWatchdog(timeoutMs, () => this.#onDeadline());
    this.#memorySampler = new MemorySampler(
      { arrayBufferBytes: 2 * memoryMb * MiB, residentGrowthBytes: residentMemoryMb * MiB },
      () => ({ worker: this.#worker, runningId: this.#pending.running?.id, firstOnWorker: this.#firstOnWorker?.id }),
      (worker, runningId, excess) => this.#onMemoryExceeded(worker, runningId, excess),
    );
  }

  /** A small id for an expressionLib source (the concatenated library code). */
  libId(source: string): number {
    return this.#libraries.id(source);
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
      const call = { kind, code, libId, data, expression };
      const entry = this.#pending.add(call, resolve, reject, signal, (aborted) => settle(aborted, false, signal!.reason));
      this.#send(entry);
      if (this.#pending.size === 1) this.#armWatchdog();
      this.#updateRef();
      this.#memorySampler.update(this.#pending.size > 0);
    });
  }

  /** Terminates the worker; pending evaluations fail. A later evaluation starts a new worker. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#watchdog.disarm();
    for (const entry of this.#pending.values()) {
      settle(entry, false, new ExpressionError(entry.expression, 'the expression engine was closed'));
    }
    this.#pending.clear();
    this.#referenced = false;
    this.#memorySampler.update(false);
    if (worker !== null) await worker.terminate();
  }

  #startWorker(): Worker {
    // Taken here, not imported: linking node:worker_threads costs every run, and most start no worker.
    const worker = new (process.getBuiltinModule('node:worker_threads').Worker)(this.#workerUrl, sandboxWorkerOptions(this.#memoryMb));
    worker.unref();
    this.#referenced = false;
    this.#workerError = null;
    this.#libraries.forgetSent();
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

  #send(entry: PendingEvaluation): void {
    // Sent once the retiring worker is gone (#retire).
    if (this.#worker === null && this.#retiring !== null) return;
    let worker: Worker;
    try {
      worker = this.#worker ?? this.#startWorker();
    } catch (error) {
      this.#pending.delete(entry.id);
      const reason = `the JavaScript sandbox could not be started: ${String(error)}`;
      settle(entry, false, new ExpressionError(entry.expression, reason, { cause: error }));
      return;
    }
    // The first evaluation a worker runs is the only one its memory can be blamed on (sandboxLimits.ts).
    if (this.#firstOnWorker?.worker !== worker) this.#firstOnWorker = { worker, id: entry.id };
    worker.postMessage(this.#libraries.request(entry));
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
        settle(entry, false, new ExpressionError(entry.expression, reason));
        this.#afterAnswer();
        return;
      }
      settle(entry, true, value);
    } else if (response.memory === true) {
      const reason = `${memoryReason(this.#memoryMb)} (${response.error})`;
      settle(entry, false, new ExpressionError(entry.expression, reason));
      // A new worker frees the memory now rather than at some later GC.
      this.#replaceWorker();
      return;
    } else {
      settle(entry, false, new ExpressionError(entry.expression, response.error));
    }
    this.#afterAnswer();
  }

  #afterAnswer(): void {
    this.#armWatchdog();
    this.#updateRef();
    this.#memorySampler.update(this.#pending.size > 0);
  }

  /** Fails the running request with `reason` and resends the queued ones. */
  #failRunningAndRestart(reason: string): void {
    this.#watchdog.disarm();
    const running = this.#pending.running;
    if (running !== undefined) {
      this.#pending.delete(running.id);
      settle(running, false, new ExpressionError(running.expression, reason));
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
    if (worker !== null) this.#retire(worker);
    for (const entry of this.#pending.values()) this.#send(entry);
    this.#afterAnswer();
  }

  /**
   * Ends `worker`. Its successor starts once it is gone (requests wait in
   * #send): a thread started meanwhile would take memory of its own rather
   * than what the old one frees, and the process's resident memory would
   * climb with every replacement.
   */
  #retire(worker: Worker): void {
    this.#ready = false;
    const gone: Promise<void> = worker.terminate().then(() => undefined, () => undefined).then(() => {
      if (this.#retiring !== gone) return;
      this.#retiring = null;
      if (this.#worker !== null) return;
      for (const entry of this.#pending.values()) this.#send(entry);
      this.#afterAnswer();
    });
    this.#retiring = gone;
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

  #onDeadline(): void {
    // Decided after the event loop's poll phase: if this thread was blocked
    // past the deadline, an answer that arrived meanwhile is handled first.
    const running = this.#pending.running;
    setImmediate(() => {
      const current = this.#pending.running;
      if (current === undefined || current !== running) return;
      this.#terminateWorker();
      this.#failRunningAndRestart(timeoutReason(this.#timeoutMs));
    });
  }

  #onMemoryExceeded(worker: Worker, runningId: number, excess: MemoryExcess): void {
    if (worker !== this.#worker || this.#pending.running?.id !== runningId) return;
    if (excess.kind === 'garbage') {
      this.#replaceWorker();
      return;
    }
    this.#terminateWorker();
    this.#failRunningAndRestart(
      excess.kind === 'resident'
        ? `${residentMemoryReason(this.#residentMemoryMb)}, by ${excess.usedMiB} MiB`
        : `${memoryReason(this.#memoryMb)} (ArrayBuffers of ${excess.usedMiB} MiB)`,
    );
  }

  #terminateWorker(): void {
    const worker = this.#worker;
    this.#worker = null;
    if (worker !== null) this.#retire(worker);
  }

  #armWatchdog(): void {
    this.#watchdog.arm(this.#pending.running, this.#ready);
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
