/**
 * A Kubernetes API call that finds nothing listening, retried with a real
 * client-node call and a fake clock (backoff waits are recorded, not slept);
 * the stand-in API server's answers are in apiRetry.itest.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { KubernetesApiError } from '../../../src/backends/kubernetes/apiErrors.js';
import { withRetries, type RetryPolicy } from '../../../src/backends/kubernetes/apiRetry.js';

const POLICY: RetryPolicy = { multiplier: 1, minSeconds: 1, maxSeconds: 4, attempts: 5 };

/** A fake sleep that records each wait in seconds. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => { waits.push(ms / 1000); } };
}

test('a refused connection is transient and named by its code', async () => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  const core = kc.makeApiClient(CoreV1Api);
  const { waits, sleep } = recordingSleep();
  const error = await withRetries({ verb: 'list', resource: 'pods', namespace: 'n' }, () => core.listNamespacedPod({ namespace: 'n' }), { ...POLICY, attempts: 3 }, { sleep })
    .then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof KubernetesApiError);
  assert.equal(error.kind, 'transient');
  assert.match(error.message, /^cannot list pods in namespace n: no answer \(ECONNREFUSED\) after 3 attempts: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  assert.deepEqual(waits, [1, 2]);
});
