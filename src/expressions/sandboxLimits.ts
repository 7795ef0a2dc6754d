/**
 * The sandbox's limits, watched from the main thread; the host (sandbox.ts)
 * decides what to do when one is passed.
 *
 * - Time: the worker runs scripts without a vm timeout (each one starts a
 *   watchdog thread, a sizeable part of a small evaluation's cost), so a
 *   timer here fires at the running request's deadline. Until the worker has
 *   said it is ready, deadlines get a grace period (its start-up must not
 *   count; a test's worker that never says so keeps the grace).
 * - ArrayBuffer memory: backing stores are outside the worker's heap limit.
 *   The worker fails an evaluation that added more than the limit when it
 *   ends; one that keeps running is watched here by sampling the worker's
 *   external memory against twice the limit (garbage of earlier evaluations
 *   may still be counted).
 * - Everything else: memory a context holds outside the V8 heap and
 *   ArrayBuffers (ICU's objects behind `Intl`, 20 KiB a formatter) is seen
 *   only in the process's resident memory, which may grow by at most its
 *   limit from when the worker was first sampled. Past it, an evaluation
 *   that has kept running and grew it by half the limit itself fails; else
 *   the growth is garbage of earlier evaluations, which V8 does not count
 *   and so does not collect soon, and the worker is just replaced.
 */
import type { Worker } from 'node:worker_threads';

const WATCHDOG_GRACE_MS = 2000;
/** How often a running evaluation's ArrayBuffer memory is sampled. */
const MEMORY_SAMPLE_MS = 20;
export const MiB = 1024 * 1024;
/** Samples past the resident limit before it is reported without the worker's heap statistics. */
const RESIDENT_PATIENCE = 5;

/** One timer for the running request's deadline. */
export class EvaluationWatchdog {
  readonly #timeoutMs: number;
  readonly #onDeadline: () => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(timeoutMs: number, onDeadline: () => void) {
    this.#timeoutMs = timeoutMs;
    this.#onDeadline = onDeadline;
  }

  /** Restarts the timer for `running` (none: stopped). */
  arm(running: { readonly libId: number } | undefined, workerReady: boolean): void {
    this.disarm();
    if (running === undefined) return;
    // expressionLib runs before every expression, with a budget of its own.
    const budgetMs = this.#timeoutMs * (running.libId === 0 ? 1 : 2) + (workerReady ? 0 : WATCHDOG_GRACE_MS);
    this.#timer = setTimeout(this.#onDeadline, budgetMs);
    this.#timer.unref();
  }

  disarm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** What the sampler looks at: the current worker and the id of the request it runs. */
export interface SampledState {
  readonly worker: Worker | null;
  readonly runningId: number | undefined;
  /** The first evaluation the worker was sent: only its growth is the running evaluation's own for certain. */
  readonly firstOnWorker: number | undefined;
}

/** Bytes a long-running evaluation may hold, by where they live. */
export interface MemoryLimits {
  /** The worker's external (ArrayBuffer) memory. */
  readonly arrayBufferBytes: number;
  /** How much the process's resident memory may grow while the worker runs. */
  readonly residentGrowthBytes: number;
}

/**
 * A limit that was passed, and by how much memory (MiB): by the running
 * evaluation (`arrayBuffers`, `resident`), or by what earlier ones left on
 * the worker (`garbage`: the worker is replaced, nobody fails).
 */
export interface MemoryExcess {
  readonly kind: 'arrayBuffers' | 'resident' | 'garbage';
  readonly usedMiB: number;
}

/** Samples a long-running request's ArrayBuffer memory and the growth of the process's resident memory. */
export class MemorySampler {
  readonly #limits: MemoryLimits;
  readonly #state: () => SampledState;
  readonly #onExceeded: (worker: Worker, runningId: number, excess: MemoryExcess) => void;
  #interval: NodeJS.Timeout | null = null;
  /** The request that was running at the previous sample (only long-running ones are sampled). */
  #sampledId = 0;
  /** Resident memory when that request was first sampled. */
  #evaluationRss = 0;
  /** The worker sampled last, and the resident memory when it was first sampled. */
  #worker: Worker | null = null;
  #workerRss = 0;
  /** Samples in a row that found resident memory past the limit. */
  #residentExcess = 0;
  /** The worker a heap statistics request is outstanding for. */
  #sampling: Worker | null = null;

  constructor(
    limits: MemoryLimits,
    state: () => SampledState,
    onExceeded: (worker: Worker, runningId: number, excess: MemoryExcess) => void,
  ) {
    this.#limits = limits;
    this.#state = state;
    this.#onExceeded = onExceeded;
  }

  /** Samples while `wanted` (requests are pending). */
  update(wanted: boolean): void {
    if (wanted === (this.#interval !== null)) return;
    if (wanted) {
      this.#interval = setInterval(() => this.#sample(), MEMORY_SAMPLE_MS);
      this.#interval.unref();
    } else {
      clearInterval(this.#interval!);
      this.#interval = null;
    }
  }

  #sample(): void {
    const { worker, runningId, firstOnWorker } = this.#state();
    if (worker === null || runningId === undefined) return;
    const rss = process.memoryUsage.rss();
    if (worker !== this.#worker) {
      this.#worker = worker;
      this.#workerRss = rss;
    }
    const limit = this.#limits.residentGrowthBytes;
    const overall = rss - this.#workerRss;
    // Fast evaluations are checked by the worker itself when they end.
    const longRunning = runningId === this.#sampledId;
    if (!longRunning) {
      this.#sampledId = runningId;
      this.#evaluationRss = rss;
      this.#residentExcess = 0;
    }
    // Past the limit with earlier evaluations' garbage in the worker, which
    // nothing collects soon (V8 does not count ICU's memory): a new worker
    // frees it and runs this evaluation again, alone, where its own growth is
    // all there is to measure. Only the first evaluation on a worker is blamed.
    if (overall > limit && runningId !== firstOnWorker) {
      this.#onExceeded(worker, runningId, { kind: 'garbage', usedMiB: Math.ceil(overall / MiB) });
      return;
    }
    if (!longRunning) return;
    const resident: MemoryExcess | undefined = overall > limit ? { kind: 'resident', usedMiB: Math.ceil(overall / MiB) } : undefined;
    this.#residentExcess = resident ? this.#residentExcess + 1 : 0;
    // ArrayBuffers are named when they are the cause, which the worker's answer tells; one that does not answer is not waited for.
    if (resident && this.#residentExcess > RESIDENT_PATIENCE) this.#onExceeded(worker, runningId, resident);
    if (this.#sampling === worker) return;
    this.#sampling = worker;
    worker.getHeapStatistics().then(
      (stats) => {
        if (this.#sampling === worker) this.#sampling = null;
        if (stats.external_memory > this.#limits.arrayBufferBytes) {
          this.#onExceeded(worker, runningId, { kind: 'arrayBuffers', usedMiB: Math.ceil(stats.external_memory / MiB) });
        } else if (resident) {
          this.#onExceeded(worker, runningId, resident);
        }
      },
      () => {
        if (this.#sampling === worker) this.#sampling = null;
      },
    );
  }
}
