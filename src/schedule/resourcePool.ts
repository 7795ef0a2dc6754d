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
  running = 0;

  constructor(readonly limits: ResourceLimits) {
    this.#free = { ...limits };
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Checks a request against the whole budget; throws a message naming `where` and the limit. */
  checkFits(request: ResourceRequest, where: string): void {
    const over: string[] = [];
    if (request.cores > this.limits.cores) over.push(`${request.cores} cores > --max-cores ${this.limits.cores}`);
    if (request.ram > this.limits.ram) over.push(`${request.ram} MiB of RAM > --max-ram ${this.limits.ram} MiB`);
    if (request.gpus > this.limits.gpus) over.push(`${request.gpus} GPUs > --max-gpus ${this.limits.gpus}`);
    if (over.length > 0) throw new PermanentFailure(`${where}: requests more than can ever be available: ${over.join(', ')}`);
  }

  acquire(request: ResourceRequest, where: string, signal?: AbortSignal): Promise<() => void> {
    this.checkFits(request, where);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { request, resolve, reject };
      if (signal) {
        if (signal.aborted) { reject(signal.reason); return; }
        signal.addEventListener('abort', () => {
          const i = this.#waiting.indexOf(waiter);
          if (i >= 0) { this.#waiting.splice(i, 1); reject(signal.reason); }
        }, { once: true });
      }
      this.#waiting.push(waiter);
      this.#admit();
    });
  }

  #fits(r: ResourceRequest): boolean {
    return r.cores <= this.#free.cores && r.ram <= this.#free.ram && r.gpus <= this.#free.gpus;
  }

  #admit(): void {
    // Strict arrival order keeps large requests from starving behind small ones.
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.request)) {
      const w = this.#waiting.shift()!;
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
  }

  #take(r: ResourceRequest, sign: number): void {
    this.#free.cores += sign * r.cores;
    this.#free.ram += sign * r.ram;
    this.#free.gpus += sign * r.gpus;
  }
}
