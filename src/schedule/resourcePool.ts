import { PermanentFailure } from '../errors.js';

export interface ResourceRequest {
  readonly cores: number;
  /** MiB */
  readonly ram: number;
  readonly gpus: number;
}

export interface ResourceLimits extends ResourceRequest {}

interface Waiter {
  readonly request: ResourceRequest;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (release: () => void) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Admits jobs while their requests fit the budget (--max-cores, --max-ram,
 * --max-gpus), in arrival order; a release wakes the queue — no polling. A
 * request that can never fit is refused at once, naming the limit.
 */
export class ResourcePool {
  #free: { cores: number; ram: number; gpus: number };
  readonly #waiting: Waiter[] = [];
  /**
   * One abort listener per signal, not per waiter: a 10,000-way scatter shares
   * one signal, and EventTarget listener bookkeeping is linear in their number.
   */
  readonly #watched = new WeakSet<AbortSignal>();
  running = 0;

  constructor(readonly limits: ResourceLimits) {
    this.#free = { ...limits };
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** How a request exceeds the whole budget (`1200 MiB of RAM > --max-ram 1024 MiB`, …); empty when it can fit. */
  overLimits(request: ResourceRequest): string[] {
    const over: string[] = [];
    if (request.cores > this.limits.cores) over.push(`${request.cores} cores > --max-cores ${this.limits.cores}`);
    if (request.ram > this.limits.ram) over.push(`${request.ram} MiB of RAM > --max-ram ${this.limits.ram} MiB`);
    if (request.gpus > this.limits.gpus) over.push(`${request.gpus} GPUs > --max-gpus ${this.limits.gpus}`);
    return over;
  }

  /** Checks a request against the whole budget; throws a message naming `where` and the limit. */
  checkFits(request: ResourceRequest, where: string): void {
    const over = this.overLimits(request);
    if (over.length > 0) throw new PermanentFailure(`${where}: requests more than can ever be available: ${over.join(', ')}`);
  }

  acquire(request: ResourceRequest, where: string, signal?: AbortSignal): Promise<() => void> {
    try {
      this.checkFits(request, where);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      if (signal?.aborted) { reject(signal.reason); return; }
      if (signal && !this.#watched.has(signal)) {
        this.#watched.add(signal);
        signal.addEventListener('abort', () => this.#rejectWaiting(signal), { once: true });
      }
      this.#waiting.push({ request, signal, resolve, reject });
      this.#admit();
    });
  }

  #rejectWaiting(signal: AbortSignal): void {
    const keep: Waiter[] = [];
    for (const w of this.#waiting) {
      if (w.signal === signal) w.reject(signal.reason);
      else keep.push(w);
    }
    this.#waiting.splice(0, this.#waiting.length, ...keep);
    this.#admit();
  }

  #fits(r: ResourceRequest): boolean {
    return r.cores <= this.#free.cores && r.ram <= this.#free.ram && r.gpus <= this.#free.gpus;
  }

  #admit(): void {
    // Strict arrival order keeps large requests from starving behind small ones.
    let admitted = 0;
    while (admitted < this.#waiting.length && this.#fits(this.#waiting[admitted]!.request)) {
      const w = this.#waiting[admitted++]!;
      this.#take(w.request, -1);
      this.running++;
      let released = false;
      w.resolve(() => {
        if (released) return;
        released = true;
        this.running--;
        this.#take(w.request, 1);
        this.#admit();
      });
    }
    // One splice per wake-up instead of a shift per job: O(n) per batch, not per job.
    if (admitted > 0) this.#waiting.splice(0, admitted);
  }

  #take(r: ResourceRequest, sign: number): void {
    this.#free.cores += sign * r.cores;
    this.#free.ram += sign * r.ram;
    this.#free.gpus += sign * r.gpus;
  }
}
