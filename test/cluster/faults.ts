/** Fault injection for tests: throttled/failing requests, dropped watches, compaction, eviction, pull failures, no capacity. */
import { parseImage } from './images.js';
import { ApiError } from './status.js';

export interface RequestFault {
  /** How many matching requests fail (default 1). */
  count?: number;
  /** 429 (with Retry-After), a 5xx, or a permanent 401/403/404/422 (default 429). */
  code?: number;
  /** Only requests with this verb (get, list, watch, create, patch, delete, deletecollection, update). */
  verb?: string;
  /** Only this resource, with its subresource when it has one (`pods`, `pods/log`, `jobs`). */
  resource?: string;
  /** Only requests of this user: 'engine', 'admin', or a full user name. */
  user?: string;
  retryAfterSeconds?: number;
}

export interface RequestAttributes { verb: string; resource?: string; user: string; isEngine: boolean; isAdmin: boolean }

/** What the cluster wires in, so faults can act on its parts. */
export interface FaultTargets {
  dropWatches(): number;
  expireHistory(): void;
  evict(namespace: string, name: string): Promise<void>;
  setUnschedulable(value: boolean): void;
}

export class Faults {
  #rules: { fault: RequestFault; remaining: number }[] = [];
  readonly #pullFailures = new Set<string>();
  #unschedulable = false;
  #targets?: FaultTargets;

  attach(targets: FaultTargets): void { this.#targets = targets; }

  #t(): FaultTargets {
    if (!this.#targets) throw new Error('the test cluster is not running');
    return this.#targets;
  }

  /** Makes the next `count` matching requests fail. */
  failNext(fault: RequestFault = {}): void {
    this.#rules.push({ fault, remaining: fault.count ?? 1 });
  }

  /** The error a request gets, if a fault applies to it (and counts it). */
  check(req: RequestAttributes): ApiError | undefined {
    for (const rule of this.#rules) {
      const f = rule.fault;
      if (rule.remaining <= 0) continue;
      if (f.verb && f.verb !== req.verb) continue;
      if (f.resource && f.resource !== req.resource) continue;
      if (f.user && !(f.user === req.user || (f.user === 'engine' && req.isEngine) || (f.user === 'admin' && req.isAdmin))) continue;
      rule.remaining--;
      this.#rules = this.#rules.filter((r) => r.remaining > 0);
      const code = f.code ?? 429;
      if (code === 429) return ApiError.tooManyRequests(f.retryAfterSeconds ?? 1);
      if (code === 503) return new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {});
      if (code === 504) return new ApiError(504, 'Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request', {});
      const permanent = permanentFault(code, req);
      if (permanent) return permanent;
      return ApiError.internal('injected fault');
    }
    return undefined;
  }

  /** Pending request faults. */
  get pendingRequestFaults(): number { return this.#rules.reduce((n, r) => n + r.remaining, 0); }

  /** Closes every open watch cleanly (no ERROR event), as an API server restart or a load balancer would; answers how many. */
  dropWatches(): number { return this.#t().dropWatches(); }

  /** Compacts all watch history: a watch from any earlier resourceVersion gets a 410 Expired ERROR event. */
  expireWatchHistory(): void { this.#t().expireHistory(); }

  /** Evicts a running pod as the kubelet does under memory pressure (phase Failed, reason Evicted). */
  evictPod(namespace: string, name: string): Promise<void> { return this.#t().evict(namespace, name); }

  /** Image pulls of this image (as written in the pod, or normalized) fail even when it is present. */
  failImagePull(image: string): void {
    this.#pullFailures.add(image);
    const ref = parseImage(image);
    if (ref.ok) this.#pullFailures.add(ref.normalized);
  }

  clearImagePullFailures(): void { this.#pullFailures.clear(); }

  imagePullFails(image: string): boolean {
    if (this.#pullFailures.has(image)) return true;
    const ref = parseImage(image);
    return ref.ok && this.#pullFailures.has(ref.normalized);
  }

  /** Cordons (true) or uncordons the node: new pods stay Pending as Unschedulable. */
  setUnschedulable(value = true): void {
    this.#unschedulable = value;
    this.#t().setUnschedulable(value);
  }

  get unschedulable(): boolean { return this.#unschedulable; }

  /** Clears request faults, pull failures and the cordon. */
  reset(): void {
    this.#rules = [];
    this.#pullFailures.clear();
    if (this.#unschedulable && this.#targets) this.setUnschedulable(false);
  }
}

/** The permanent errors a real API server gives, worded as it words them. */
function permanentFault(code: number, req: RequestAttributes): ApiError | undefined {
  const resource = req.resource ?? '';
  switch (code) {
    case 401: return ApiError.unauthorized();
    case 403: return new ApiError(403, 'Forbidden', `${resource} is forbidden: User "${req.user}" cannot ${req.verb} resource "${resource}" in API group "" (injected fault)`, { kind: resource });
    case 404: return new ApiError(404, 'NotFound', `${resource} not found (injected fault)`, { kind: resource });
    case 422: return new ApiError(422, 'Invalid', `${resource} is invalid (injected fault)`, { kind: resource });
    default: return undefined;
  }
}
