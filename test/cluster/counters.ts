/** What tests count: watches, requests, pods, concurrency. */

export interface CounterSnapshot {
  watches: { open: number; maxOpen: number; total: number };
  /** Every pod stored, whoever created it (the engine, the job controller). */
  podsCreated: number;
  containersStarted: number;
  runningPods: number;
  maxRunningPods: number;
  /** By `verb resource[/subresource]` (`list pods`, `get pods/log`) or `verb path` for non-resource URLs. */
  requests: Record<string, number>;
  /** By HTTP status code. */
  responses: Record<string, number>;
}

export class Counters {
  watchesOpen = 0;
  watchesMaxOpen = 0;
  watchesTotal = 0;
  podsCreated = 0;
  containersStarted = 0;
  maxRunningPods = 0;
  requests: Record<string, number> = {};
  responses: Record<string, number> = {};
  readonly #running = new Set<string>();

  get runningPods(): number { return this.#running.size; }

  watchOpened(): void {
    this.watchesOpen++;
    this.watchesTotal++;
    this.watchesMaxOpen = Math.max(this.watchesMaxOpen, this.watchesOpen);
  }

  watchClosed(): void { this.watchesOpen--; }

  request(key: string): void { this.requests[key] = (this.requests[key] ?? 0) + 1; }

  response(code: number): void { this.responses[code] = (this.responses[code] ?? 0) + 1; }

  /** Notes whether a pod has a running container. */
  podRunning(uid: string, running: boolean): void {
    if (running) this.#running.add(uid);
    else this.#running.delete(uid);
    this.maxRunningPods = Math.max(this.maxRunningPods, this.#running.size);
  }

  snapshot(): CounterSnapshot {
    return {
      watches: { open: this.watchesOpen, maxOpen: this.watchesMaxOpen, total: this.watchesTotal },
      podsCreated: this.podsCreated, containersStarted: this.containersStarted,
      runningPods: this.runningPods, maxRunningPods: this.maxRunningPods,
      requests: { ...this.requests }, responses: { ...this.responses },
    };
  }

  toJSON(): CounterSnapshot { return this.snapshot(); }

  /** Zeroes the totals and maxima (open watches and running pods stay as they are). */
  reset(): void {
    this.watchesTotal = 0;
    this.watchesMaxOpen = this.watchesOpen;
    this.podsCreated = 0;
    this.containersStarted = 0;
    this.maxRunningPods = this.runningPods;
    this.requests = {};
    this.responses = {};
  }
}
