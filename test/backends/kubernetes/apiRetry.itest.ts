/**
 * Kubernetes API errors classified and retried, with real client-node calls
 * against the stand-in API server (no node: nothing runs) answering what a
 * test injects. The clock is a fake: backoff waits are recorded, not slept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../../cluster/index.js';
import { KubernetesApiError, classifyApiError } from '../../../src/backends/kubernetes/apiErrors.js';
import { withRetries, type RetryPolicy } from '../../../src/backends/kubernetes/apiRetry.js';

const POLICY: RetryPolicy = { multiplier: 1, minSeconds: 1, maxSeconds: 4, attempts: 5 };

/** A fake sleep that records each wait in seconds. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => { waits.push(ms / 1000); } };
}

async function withApi(work: (cluster: TestCluster, core: CoreV1Api) => Promise<void>): Promise<void> {
  const cluster = await startTestCluster({ nodeAgent: false });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    await work(cluster, kc.makeApiClient(CoreV1Api));
  } finally {
    await cluster.stop();
  }
}

const POD = { metadata: { name: 'p' }, spec: { containers: [{ name: 'main', image: 'docker.io/debian:stable-slim' }] } };

test('a 403 fails at once, with one line naming the verb, the resource and the namespace', async () => {
  await withApi(async (cluster, core) => {
    cluster.faults.failNext({ count: 5, code: 403, verb: 'create', resource: 'pods', user: 'engine' });
    const { waits, sleep } = recordingSleep();
    const call = { verb: 'create', resource: 'pods', namespace: cluster.namespace } as const;
    const error = await withRetries(call, () => core.createNamespacedPod({ namespace: cluster.namespace, body: POD }), POLICY, { sleep }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KubernetesApiError, String(error));
    assert.equal(error.status, 403);
    assert.equal(error.kind, 'permanent');
    assert.match(error.message, new RegExp(`^cannot create pods in namespace ${cluster.namespace}: forbidden \\(403\\): pods is forbidden: User ".*" cannot create resource "pods"`));
    assert.doesNotMatch(error.message, /\n|HTTP-Code|Headers/);
    assert.deepEqual(waits, [], 'no retry');
    assert.equal(cluster.faults.pendingRequestFaults, 4, 'one request made');
  });
});

test('401, 404 and 422 are permanent too; 429 and 5xx are transient', async () => {
  await withApi(async (cluster, core) => {
    const ns = cluster.namespace;
    for (const code of [401, 404, 422, 429, 500, 503]) {
      cluster.faults.failNext({ code, verb: 'list', resource: 'pods', user: 'engine' });
      const error = await core.listNamespacedPod({ namespace: ns }).then(() => undefined, (e: unknown) => e);
      assert.equal(classifyApiError(error), code >= 429 ? 'transient' : 'permanent', `HTTP ${code}`);
    }
    // A real 404: a pod that does not exist.
    const missing = await core.deleteNamespacedPod({ name: 'no-such-pod', namespace: ns }).then(() => undefined, (e: unknown) => e);
    assert.equal(classifyApiError(missing), 'permanent');
  });
});

test('transient errors back off with growth up to the cap, honour Retry-After, then succeed', async () => {
  await withApi(async (cluster, core) => {
    cluster.faults.failNext({ count: 3, code: 500, verb: 'list', resource: 'pods', user: 'engine' });
    cluster.faults.failNext({ count: 1, code: 429, verb: 'list', resource: 'pods', user: 'engine', retryAfterSeconds: 3 });
    const { waits, sleep } = recordingSleep();
    const retried: string[] = [];
    const list = await withRetries({ verb: 'list', resource: 'pods', namespace: cluster.namespace }, () => core.listNamespacedPod({ namespace: cluster.namespace }), POLICY, { sleep, onRetry: (m) => retried.push(m) });
    assert.deepEqual(list.items, []);
    // 1, 2, 4 (the cap), then the 429's Retry-After of 3 s over the policy's 4 s: still 4.
    assert.deepEqual(waits, [1, 2, 4, 4]);
    assert.match(retried[0]!, /^cannot list pods in namespace \S+: internal server error \(500\): .*; retrying in 1\.0 s \(1\/4\)$/);
    assert.match(retried[3]!, /too many requests \(429\)/);
  });
});

test('a transient error that outlasts the attempts says how many were made', async () => {
  await withApi(async (cluster, core) => {
    cluster.faults.failNext({ count: 10, code: 503, verb: 'list', resource: 'pods', user: 'engine' });
    const { waits, sleep } = recordingSleep();
    const error = await withRetries({ verb: 'list', resource: 'pods', namespace: cluster.namespace }, () => core.listNamespacedPod({ namespace: cluster.namespace }), POLICY, { sleep })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KubernetesApiError);
    assert.match(error.message, /: service unavailable \(503\) after 5 attempts: /);
    assert.equal(waits.length, 4);
  });
});

test('cancelling during a backoff wait ends the retries with the last failure', async () => {
  await withApi(async (cluster, core) => {
    cluster.faults.failNext({ count: 10, code: 500, verb: 'list', resource: 'pods', user: 'engine' });
    const controller = new AbortController();
    const sleep = (_ms: number, signal?: AbortSignal): Promise<void> => new Promise((_resolve, reject) => {
      controller.abort();
      if (signal?.aborted) reject(signal.reason);
    });
    const error = await withRetries({ verb: 'list', resource: 'pods', namespace: cluster.namespace }, () => core.listNamespacedPod({ namespace: cluster.namespace }), POLICY, { sleep, signal: controller.signal })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KubernetesApiError);
    assert.match(error.message, /internal server error \(500\): /);
    assert.equal(cluster.faults.pendingRequestFaults, 9);
  });
});
