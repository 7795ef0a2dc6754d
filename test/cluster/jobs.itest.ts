import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, type Json } from './testClient.js';

const job = (name: string, script: string, spec: Json = {}): Json => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
  spec: { backoffLimit: 0, ...spec, template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'docker.io/debian:stable-slim', command: ['sh', '-c', script] }] } } },
});

describe('jobs', { concurrency: true }, () => {
  let cluster: TestCluster;
  let engine: TestClient;
  const jobs = (p = ''): string => `/apis/batch/v1/namespaces/${cluster.namespace}/jobs${p}`;
  const waitJob = async (name: string, ok: (j: Json) => boolean): Promise<Json> => {
    for (let i = 0; i < 200; i++) {
      const r = await engine.get(jobs(`/${name}`));
      if (ok(r.body)) return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`job ${name} did not get there`);
  };
  const cond = (j: Json, type: string): Json => j.status?.conditions?.find((c: Json) => c.type === type && c.status === 'True');
  before(async () => {
    cluster = await startTestCluster({ jobBackoffMs: 200 });
    engine = new TestClient(cluster.url, cluster.engineToken, cluster.namespace);
  });
  after(() => cluster.stop());

  test('a job runs a pod from its template and completes', async () => {
    const created = await engine.post(jobs(), job('ok', 'echo done'));
    assert.equal(created.status, 201, created.text);
    const done = await waitJob('ok', (j) => cond(j, 'Complete'));
    assert.equal(done.status.succeeded, 1);
    assert.ok(done.status.completionTime);
    const pods = (await engine.get(engine.pods('?labelSelector=job-name%3Dok'))).body.items;
    assert.equal(pods.length, 1);
    const pod = pods[0];
    assert.match(pod.metadata.name, /^ok-[a-z0-9]{5}$/);
    assert.equal(pod.metadata.labels['controller-uid'], created.body.metadata.uid);
    assert.equal(pod.metadata.labels.app, 'ok');
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'ok', uid: created.body.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal((await engine.get(engine.pods(`/${pod.metadata.name}/log`))).text, 'done\n');
  });

  test('a failing job with backoffLimit 0 fails; deleting it in the background removes its pods', async () => {
    await engine.post(jobs(), job('bad', 'exit 2'));
    const failed = await waitJob('bad', (j) => cond(j, 'Failed'));
    assert.equal(cond(failed, 'Failed').reason, 'BackoffLimitExceeded');
    assert.equal(failed.status.failed, 1);
    assert.equal(failed.status.active, undefined);
    const del = await engine.delete(jobs('/bad'), { propagationPolicy: 'Background' });
    assert.equal(del.status, 200);
    for (let i = 0; i < 50; i++) {
      if ((await engine.get(engine.pods('?labelSelector=job-name%3Dbad'))).body.items.length === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the job pods were not garbage-collected');
  });

  test('retries up to backoffLimit', async () => {
    await engine.post(jobs(), job('retry', 'exit 1', { backoffLimit: 1 }));
    const failed = await waitJob('retry', (j) => cond(j, 'Failed'));
    assert.equal(failed.status.failed, 2);
    assert.equal((await engine.get(engine.pods('?labelSelector=job-name%3Dretry'))).body.items.length, 2);
  });
});
