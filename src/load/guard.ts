// The global `performance`: importing node:perf_hooks would link it on every run.
import type { EventLoopUtilization } from 'node:perf_hooks';
import { LoadLimitError } from './limits.js';

/**
 * Checked between the steps of loading (before each document is parsed and
 * each process validated): stops loading once the caller's signal aborts, or,
 * for a load in the main thread, once it has kept that thread busy longer
 * than it should (then it starts over in a worker). Waiting for files and
 * downloads does not count: only time the event loop was not idle.
 */
export class LoadGuard {
  #stopped = false;
  readonly #signal: AbortSignal | undefined;
  readonly #busyMs: number;
  readonly #start: EventLoopUtilization | undefined;

  constructor(signal?: AbortSignal, busyMs = Infinity) {
    this.#signal = signal;
    this.#busyMs = busyMs;
    this.#start = Number.isFinite(busyMs) ? performance.eventLoopUtilization() : undefined;
  }

  check(): void {
    this.#signal?.throwIfAborted();
    if (this.#stopped) throw new LoadLimitError('loading was stopped');
    if (this.#start && performance.eventLoopUtilization(this.#start).active > this.#busyMs) {
      throw new LoadLimitError(`loading kept the main thread busy for more than ${this.#busyMs} ms`);
    }
  }

  /** Makes every later check fail, so that work still under way gives up. */
  stop(): void {
    this.#stopped = true;
  }
}
