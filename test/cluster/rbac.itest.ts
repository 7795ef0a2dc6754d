import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, shellPod } from './testClient.js';

// One cluster for every suite of this file; the suites run one after another.
let cluster: TestCluster;
let admin: TestClient;
let engine: TestClient;
const user = 'system:serviceaccount:bespin-test:bespin-engine';
before(async () => {
  cluster = await startTestCluster({ nodeAgent: false });
  admin = new TestClient(cluster.url, cluster.adminToken, cluster.namespace);
  engine = new TestClient(cluster.url, cluster.engineToken, cluster.namespace);
  await admin.createPod(shellPod('p1', 'true'));
});
after(() => cluster.stop());

describe('authentication and RBAC from rbac/: reading pods, and what is out of reach', () => {
  test('the engine may list and watch pods, and find one by fieldSelector', async () => {
    const list = await engine.get(engine.pods());
    assert.equal(list.status, 200);
    assert.equal((await engine.pod('p1'))?.metadata.name, 'p1');
    const w = await engine.watch(engine.pods('?watch=1'));
    assert.equal(w.status, 200);
    w.close();
  });

  test('GET of a single pod is forbidden, with the real message', async () => {
    const r = await engine.get(engine.pods('/p1'));
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: `pods "p1" is forbidden: User "${user}" cannot get resource "pods" in API group "" in the namespace "bespin-test"`,
      reason: 'Forbidden', details: { name: 'p1', kind: 'pods' }, code: 403,
    });
  });

  test('secrets cannot be created; other namespaces and cluster scope are out of reach', async () => {
    const s = await engine.post('/api/v1/namespaces/bespin-test/secrets', { metadata: { name: 'x' }, stringData: { a: 'b' } });
    assert.equal(s.status, 403);
    assert.equal(s.body.message, `secrets is forbidden: User "${user}" cannot create resource "secrets" in API group "" in the namespace "bespin-test"`);
    assert.deepEqual(s.body.details, { kind: 'secrets' });
    const other = await engine.get('/api/v1/namespaces/default/pods');
    assert.equal(other.status, 403);
    assert.equal(other.body.message, `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "default"`);
    const all = await engine.get('/api/v1/pods');
    assert.equal(all.body.message, `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" at the cluster scope`);
    const byName = await engine.get('/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dp1');
    assert.equal(byName.body.message, `pods "p1" is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "default"`);
    const dc = await engine.delete(engine.pods('?labelSelector=a'));
    assert.equal(dc.body.message, `pods is forbidden: User "${user}" cannot deletecollection resource "pods" in API group "" in the namespace "bespin-test"`);
    const nodes = await engine.get('/api/v1/nodes');
    assert.equal(nodes.status, 403);
  });
});

describe('authentication and RBAC from rbac/: what the role allows, and where from', () => {
  test('the role allows pods/log, jobs, PVCs, pod create/patch/delete', async () => {
    const log = await engine.get(engine.pods('/nope/log'));
    assert.equal(log.status, 404, 'allowed, so the missing pod is what answers');
    const created = await engine.createPod(shellPod('by-engine', 'true'));
    assert.equal(created.status, 201);
    assert.equal((await engine.patch(engine.pods('/by-engine'), { metadata: { labels: { x: 'y' } } })).status, 200);
    assert.equal((await engine.delete(engine.pods('/by-engine'))).status, 200);
    assert.equal((await engine.get('/api/v1/namespaces/bespin-test/persistentvolumeclaims')).status, 200);
    const job = await engine.post('/apis/batch/v1/namespaces/bespin-test/jobs', { metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'debian' }] } } } });
    assert.equal(job.status, 201);
    const patchJob = await engine.patch('/apis/batch/v1/namespaces/bespin-test/jobs/j', { metadata: { labels: { a: 'b' } } });
    assert.equal(patchJob.body.message, `jobs.batch "j" is forbidden: User "${user}" cannot patch resource "jobs" in API group "batch" in the namespace "bespin-test"`);
    assert.deepEqual(patchJob.body.details, { name: 'j', group: 'batch', kind: 'jobs' });
  });

  test('unauthenticated requests get 401; discovery needs only authentication', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const r = await new TestClient(cluster.url, token).get('/api/v1/namespaces/bespin-test/pods');
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    for (const p of ['/api', '/api/v1', '/apis', '/apis/batch/v1', '/version']) assert.equal((await engine.get(p)).status, 200, p);
    const counters = await engine.get('/_test/counters');
    assert.equal(counters.status, 403);
  });

  test('the rules come from rbac/engine-role.yaml', async () => {
    const role = load(await readFile(new URL('../../../rbac/engine-role.yaml', import.meta.url), 'utf8')) as { rules: { resources: string[]; verbs: string[] }[] };
    const podVerbs = role.rules.find((r) => r.resources.includes('pods'))!.verbs;
    assert.equal(podVerbs.includes('get'), false);
    // A service account the binding does not name gets nothing.
    const stranger = new TestClient(cluster.url, cluster.tokenFor('someone-else'));
    const r = await stranger.get('/api/v1/namespaces/bespin-test/pods');
    assert.equal(r.body.message, 'pods is forbidden: User "system:serviceaccount:bespin-test:someone-else" cannot list resource "pods" in API group "" in the namespace "bespin-test"');
  });
});
