import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, shellPod, type Json } from './testClient.js';

// One cluster for every suite of this file; the suites run one after another.
let cluster: TestCluster;
let admin: TestClient;
let engine: TestClient;
before(async () => {
  cluster = await startTestCluster({ imagePullBackoffMs: 200 });
  admin = new TestClient(cluster.url, cluster.adminToken, cluster.namespace);
  engine = new TestClient(cluster.url, cluster.engineToken, cluster.namespace);
});
after(() => cluster.stop());

describe('fault injection: API errors and dropped watches', () => {
  test('the next N matching requests get 429 with Retry-After, then requests succeed', async () => {
    cluster.faults.failNext({ count: 2, verb: 'create', resource: 'pods', retryAfterSeconds: 2 });
    const list = await engine.get(engine.pods());
    assert.equal(list.status, 200, 'other verbs are not affected');
    const r1 = await engine.createPod(shellPod('throttled', 'true', { spec: { nodeSelector: { never: 'x' } } }));
    assert.equal(r1.status, 429);
    assert.equal(r1.headers.get('retry-after'), '2');
    assert.deepEqual(r1.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests', details: { retryAfterSeconds: 2 }, code: 429,
    });
    assert.equal((await engine.createPod(shellPod('throttled', 'true', { spec: { nodeSelector: { never: 'x' } } }))).status, 429);
    assert.equal((await engine.createPod(shellPod('throttled', 'true', { spec: { nodeSelector: { never: 'x' } } }))).status, 201);
    assert.equal(cluster.counters.responses[429], 2);
  });

  test('500s, filtered by user, and the HTTP admin endpoints', async () => {
    const set = await admin.post('/_test/faults/requests', { count: 1, code: 500, user: 'engine' });
    assert.equal(set.status, 200);
    assert.equal((await admin.get(admin.pods())).status, 200, 'the admin is not the engine');
    const failed = await engine.get(engine.pods());
    assert.equal(failed.status, 500);
    assert.equal(failed.body.reason, 'InternalError');
    assert.equal((await engine.get(engine.pods())).status, 200);
    const counters = await admin.get('/_test/counters');
    assert.equal(counters.status, 200);
    assert.ok(counters.body.requests['list pods'] >= 3);
    assert.ok(counters.body.podsCreated >= 1);
    assert.equal(typeof counters.body.watches.maxOpen, 'number');
    assert.equal((await admin.post('/_test/faults/nope', {})).status, 404);
  });

  test('a watch dropped by the server ends cleanly; the client can resume from its last resourceVersion', async () => {
    const rv = (await engine.get(engine.pods())).body.metadata.resourceVersion;
    const w = await engine.watch(engine.pods(`?watch=1&resourceVersion=${rv}`));
    await engine.createPod(shellPod('seen', 'true', { spec: { nodeSelector: { never: 'x' } } }));
    const seen = await w.until((e) => e.object.metadata.name === 'seen');
    assert.equal((await admin.post('/_test/faults/drop-watches', {})).body.dropped >= 1, true);
    await w.done;
    await engine.createPod(shellPod('missed', 'true', { spec: { nodeSelector: { never: 'x' } } }));
    const resumed = await engine.watch(engine.pods(`?watch=1&resourceVersion=${seen.object.metadata.resourceVersion}`));
    assert.equal((await resumed.until((e) => e.type === 'ADDED')).object.metadata.name, 'missed');
    resumed.close();
  });
});

describe('fault injection and counters: the node, image pulls and running pods', () => {
  test('a cordoned node leaves new pods Unschedulable; uncordoning schedules them', async () => {
    cluster.faults.setUnschedulable(true);
    await engine.createPod(shellPod('cordoned', 'true'));
    const cond = (p: Json): Json => p.status?.conditions?.find((c: Json) => c.type === 'PodScheduled');
    const pending = await engine.waitForPod('cordoned', (p) => cond(p)?.reason === 'Unschedulable');
    assert.equal(cond(pending).message, '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    cluster.faults.setUnschedulable(false);
    const done = await engine.waitForPod('cordoned', (p) => p.status?.phase === 'Succeeded');
    assert.equal(cond(done).status, 'True');
  });

  test('a forced pull failure for a present image, then recovery when cleared', async () => {
    cluster.faults.failImagePull('docker.io/alpine:latest');
    await engine.createPod(shellPod('pullfail', 'echo pulled', { image: 'alpine' }));
    const w = (p: Json): Json => p.status?.containerStatuses?.[0]?.state?.waiting;
    const failing = await engine.waitForPod('pullfail', (p) => ['ErrImagePull', 'ImagePullBackOff'].includes(w(p)?.reason));
    assert.match(w(failing).message, /alpine/);
    cluster.faults.clearImagePullFailures();
    await engine.waitForPod('pullfail', (p) => p.status?.phase === 'Succeeded');
    assert.equal((await engine.get(engine.pods('/pullfail/log'))).text, 'pulled\n');
    const pod = await engine.pod('pullfail');
    assert.equal(pod.status.containerStatuses[0].image, 'docker.io/library/alpine:latest');
  });

  test('counters: max concurrently running pods', async () => {
    cluster.counters.reset();
    for (const n of ['c1', 'c2', 'c3']) await engine.createPod(shellPod(n, 'sleep 2'));
    for (const n of ['c1', 'c2', 'c3']) await engine.waitForPod(n, (p) => p.status?.phase === 'Succeeded');
    assert.equal(cluster.counters.maxRunningPods, 3);
    assert.equal(cluster.counters.runningPods, 0);
    assert.equal(cluster.counters.podsCreated, 3);
  });
});
