import { setTimeout as sleepFor } from 'node:timers/promises';
import { asApiError, classifyApiError, type ApiCall } from './apiErrors.js';

/**
 * Retries Kubernetes API calls that failed for transient reasons (429, 5xx,
 * connection resets, timeouts) with exponential backoff, as Calrissian does
 * with RETRY_MULTIPLIER / RETRY_MIN / RETRY_MAX / RETRY_ATTEMPTS and its
 * defaults (5, 5, 1200, 10): an API server that is down for half an hour (an
 * upgrade, a lost control-plane node) costs the run time, not the run.
 * Permanent errors (401, 403, 404, 422, …) fail at once. This module imports
 * nothing of the Kubernetes client, so the CLI can read its defaults cheaply.
 */
export interface RetryPolicy {
  readonly multiplier: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly attempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { multiplier: 5, minSeconds: 5, maxSeconds: 1200, attempts: 10 };

/** Seconds to wait after failed attempt `attempt` (1-based): tenacity's wait_exponential, as Calrissian uses it. */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxSeconds, Math.max(policy.minSeconds, policy.multiplier * 2 ** (attempt - 1)));
}

/** A 429's Retry-After, in seconds, when the server sent one. */
function retryAfterSeconds(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, string> } | undefined)?.headers;
  const value = Number(headers?.['retry-after'] ?? headers?.['Retry-After']);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface RetryOptions {
  readonly signal?: AbortSignal;
  readonly onRetry?: (message: string) => void;
  /** Waits `ms` (tests pass a fake clock); rejects when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const realSleep = (ms: number, signal?: AbortSignal): Promise<void> => sleepFor(ms, undefined, signal ? { signal } : {});

/**
 * Calls `request` until it succeeds, a permanent error, the policy's last
 * attempt or the signal; every failure leaves as one KubernetesApiError
 * naming the call.
 */
export async function withRetries<T>(call: ApiCall, request: () => Promise<T>, policy: RetryPolicy, options: RetryOptions = {}): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= policy.attempts || classifyApiError(error) === 'permanent' || options.signal?.aborted) throw asApiError(call, error, attempt);
      // The server's Retry-After is a floor: asking sooner only earns another 429.
      const delay = Math.min(policy.maxSeconds, Math.max(retryDelaySeconds(policy, attempt), retryAfterSeconds(error) ?? 0));
      options.onRetry?.(`${asApiError(call, error).message}; retrying in ${delay.toFixed(1)} s (${attempt}/${policy.attempts - 1})`);
      try {
        await sleep(delay * 1000, options.signal);
      } catch {
        throw asApiError(call, error, attempt); // cancelled while waiting: the last failure is the reason
      }
    }
  }
}
