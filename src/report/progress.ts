/**
 * Counts of tool jobs by state. On a terminal it redraws one status line on
 * stderr (at most every 200 ms); elsewhere it stays silent — logs carry the
 * same information line by line.
 */
export class Progress {
  queued = 0;
  running = 0;
  done = 0;
  failed = 0;
  readonly #live: boolean;
  #timer: NodeJS.Timeout | undefined;

  constructor(live: boolean) {
    this.#live = live;
  }

  jobQueued(): void { this.queued++; this.#schedule(); }
  jobStarted(): void { this.queued--; this.running++; this.#schedule(); }
  jobFinished(ok: boolean): void {
    this.running--;
    if (ok) this.done++; else this.failed++;
    this.#schedule();
  }
  /** A queued job that never started (cancelled or refused). */
  jobDropped(): void { this.queued--; this.#schedule(); }

  /** Jobs that got as far as starting, whatever came of them. */
  get started(): number { return this.running + this.done + this.failed; }

  line(): string {
    return `steps: ${this.queued} queued, ${this.running} running, ${this.done} done, ${this.failed} failed`;
  }

  #schedule(): void {
    if (!this.#live || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      process.stderr.write(`\r\x1b[2K${this.line()}`);
    }, 200);
    this.#timer.unref();
  }

  /** Ends the live line so that later output starts on a fresh line. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#live && this.queued + this.running + this.done + this.failed > 0) process.stderr.write(`\r\x1b[2K${this.line()}\n`);
  }
}
