/**
 * Retries Kubernetes API calls that failed for reasons worth retrying (429,
 * 5xx, connection resets) with exponential backoff, as Calrissian does with
 * RETRY_MULTIPLIER / RETRY_MIN / RETRY_MAX / RETRY_ATTEMPTS and its defaults
 * (5, 5, 1200, 10): an API server that is down for half an hour (an upgrade,
 * a lost control-plane node) costs the run time, not the run.
 */
export interface RetryPolicy {
  readonly multiplier: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly attempts: number;
}

export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const num = (name: string, fallback: number): number => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return { multiplier: num('RETRY_MULTIPLIER', 5), minSeconds: num('RETRY_MIN', 5), maxSeconds: num('RETRY_MAX', 1200), attempts: Math.max(1, Math.floor(num('RETRY_ATTEMPTS', 10))) };
}

/** Seconds to wait after failed attempt `attempt` (1-based): tenacity's wait_exponential, as Calrissian uses it. */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxSeconds, Math.max(policy.minSeconds, policy.multiplier * 2 ** (attempt - 1)));
}

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return code === 429 || code >= 500;
  if (typeof code === 'string') return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'].includes(code);
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET'].includes(cause.code);
}

export async function withRetries<T>(
  what: string, call: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal, onRetry?: (message: string) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error) || signal?.aborted) throw error;
      const delay = retryDelaySeconds(policy, attempt);
      onRetry?.(`${what}: ${String((error as Error).message ?? error).split('\n')[0]}; retrying in ${delay.toFixed(1)} s (${attempt}/${policy.attempts - 1})`);
      await new Promise((resolve) => setTimeout(resolve, delay * 1000));
    }
  }
}
