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
  /**
   * When pods were stored and when their terminal status was published (performance.now()
   * in ms): what the engine's reaction time is measured from.
   */
  timeline: { at: number; event: 'created' | 'stopped' }[] = [];

  readonly #finished = new Set<string>();

  /** The pod's terminal status (Succeeded/Failed) was published: the engine's watch sees it now. */
  podFinished(uid: string): void {
    if (this.#finished.has(uid)) return;
    this.#finished.add(uid);
    this.timeline.push({ at: performance.now(), event: 'stopped' });
  }

  podCreated(): void {
    this.podsCreated++;
    this.timeline.push({ at: performance.now(), event: 'created' });
  }

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
    this.timeline = [];
  }
}

/**
 * For each container stop that was followed by a pod creation, the time until
 * that next creation (ms): how fast an engine fills a freed slot.
 */
export function reactionTimes(timeline: readonly { at: number; event: 'created' | 'stopped' }[]): number[] {
  const out: number[] = [];
  let pendingStop: number | undefined;
  for (const e of timeline) {
    if (e.event === 'stopped') pendingStop ??= e.at;
    else if (pendingStop !== undefined) {
      out.push(e.at - pendingStop);
      pendingStop = undefined;
    }
  }
  return out;
}
