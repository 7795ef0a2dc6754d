/**
 * The delays between restarts of something that keeps failing (the pod
 * informer): `initialMs` doubling up to `capMs`, back to `initialMs` once it
 * has run `healthyMs` without failing. Pure: the clock is passed in.
 */
export class RestartBackoff {
  #next: number;
  /** When the last restart was due (the failure's time plus its delay). */
  #restartedAt: number | undefined;

  constructor(
    readonly initialMs = 500,
    readonly capMs = 30_000,
    readonly healthyMs = 60_000,
    readonly now: () => number = Date.now,
  ) {
    this.#next = initialMs;
  }

  /** Records a failure now and answers how long to wait before restarting. */
  failed(): number {
    const t = this.now();
    if (this.#restartedAt !== undefined && t - this.#restartedAt >= this.healthyMs) this.#next = this.initialMs;
    const delay = this.#next;
    this.#next = Math.min(this.#next * 2, this.capMs);
    this.#restartedAt = t + delay;
    return delay;
  }
}
