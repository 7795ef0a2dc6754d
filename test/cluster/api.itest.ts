import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, shellPod } from './testClient.js';

// The API alone: no scheduler or kubelet, so pods stay Pending and unscheduled.
let cluster: TestCluster;
let admin: TestClient;
before(async () => {
  cluster = await startTestCluster({ nodeAgent: false });
  admin = new TestClient(cluster.url, cluster.adminToken, cluster.namespace);
});
after(() => cluster.stop());

describe('API semantics: discovery and create', () => {
  test('discovery documents', async () => {
    const api = await admin.get('/api');
    assert.equal(api.body.kind, 'APIVersions');
    assert.deepEqual(api.body.versions, ['v1']);
    const v1 = await admin.get('/api/v1');
    assert.equal(v1.body.kind, 'APIResourceList');
    const names = v1.body.resources.map((r: { name: string }) => r.name);
    for (const n of ['pods', 'pods/log', 'persistentvolumeclaims', 'secrets', 'configmaps', 'namespaces']) assert.ok(names.includes(n), n);
    const apis = await admin.get('/apis');
    assert.equal(apis.body.groups[0].name, 'batch');
    const batch = await admin.get('/apis/batch/v1');
    assert.equal(batch.body.resources[0].name, 'jobs');
    const version = await admin.get('/version');
    assert.equal(version.body.major, '1');
  });

  test('create fills in metadata; resourceVersions increase; generateName works', async () => {
    const a = await admin.createPod(shellPod('meta-a', 'true', { labels: { app: 'x' } }));
    assert.equal(a.status, 201);
    const m = a.body.metadata;
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(m.generation, 1);
    assert.equal(m.namespace, cluster.namespace);
    assert.equal(a.body.status.phase, 'Pending');
    assert.equal(a.body.spec.restartPolicy, 'Never');
    assert.equal(a.body.spec.containers[0].terminationMessagePath, '/dev/termination-log');
    const b = await admin.createPod({ ...shellPod('', 'true'), metadata: { generateName: 'step-' } });
    assert.equal(b.status, 201);
    assert.match(b.body.metadata.name, /^step-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.ok(Number(b.body.metadata.resourceVersion) > Number(m.resourceVersion));
    const list = await admin.get(admin.pods());
    assert.equal(list.body.kind, 'PodList');
    assert.ok(Number(list.body.metadata.resourceVersion) >= Number(b.body.metadata.resourceVersion));
  });
});

describe('API semantics: Status errors and selectors', () => {
  test('409 AlreadyExists and 404 NotFound are Status objects', async () => {
    await admin.createPod(shellPod('dup', 'true'));
    const again = await admin.createPod(shellPod('dup', 'true'));
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "dup" already exists',
      reason: 'AlreadyExists', details: { name: 'dup', kind: 'pods' }, code: 409,
    });
    const missing = await admin.get(admin.pods('/nope'));
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found',
      reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404,
    });
    const job = await admin.get(`/apis/batch/v1/namespaces/${cluster.namespace}/jobs/nope`);
    assert.equal(job.body.message, 'jobs.batch "nope" not found');
    assert.deepEqual(job.body.details, { name: 'nope', group: 'batch', kind: 'jobs' });
    const noNs = await admin.createPod(shellPod('x', 'true'), 'no-such-ns');
    assert.equal(noNs.status, 404);
    assert.equal(noNs.body.message, 'namespaces "no-such-ns" not found');
  });

  test('list with label and field selectors', async () => {
    await admin.createPod(shellPod('sel-1', 'true', { labels: { run: 'r1', step: 'a' } }));
    await admin.createPod(shellPod('sel-2', 'true', { labels: { run: 'r1', step: 'b' } }));
    await admin.createPod(shellPod('sel-3', 'true', { labels: { run: 'r2' } }));
    const names = async (query: string): Promise<string[]> => {
      const r = await admin.get(admin.pods(`?${query}`));
      assert.equal(r.status, 200, r.text);
      return r.body.items.map((p: { metadata: { name: string } }) => p.metadata.name).filter((n: string) => n.startsWith('sel-')).sort();
    };
    const q = (s: string): string => `labelSelector=${encodeURIComponent(s)}`;
    assert.deepEqual(await names(q('run=r1')), ['sel-1', 'sel-2']);
    assert.deepEqual(await names(q('run==r1,step!=a')), ['sel-2']);
    assert.deepEqual(await names(q('run in (r1,r2),step notin (b)')), ['sel-1', 'sel-3']);
    assert.deepEqual(await names(q('run,!step')), ['sel-3']);
    assert.deepEqual(await names(`fieldSelector=${encodeURIComponent('metadata.name=sel-2')}`), ['sel-2']);
    assert.deepEqual(await names(`fieldSelector=${encodeURIComponent('metadata.name!=sel-2,status.phase=Pending,spec.nodeName=')}&${q('run')}`), ['sel-1', 'sel-3']);
    const bad = await admin.get(admin.pods('?fieldSelector=spec.bogus%3Dx'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'BadRequest');
    const page = await admin.get(admin.pods(`?limit=1&${q('run=r1')}`));
    assert.equal(page.body.items.length, 1);
    const rest = await admin.get(admin.pods(`?limit=1&${q('run=r1')}&continue=${page.body.metadata.continue}`));
    assert.equal(rest.body.items[0].metadata.name, 'sel-2');
  });
});

describe('API semantics: validation', () => {
  test('422 Invalid for names, labels, quantities and pod specs', async () => {
    const bad = await admin.createPod(shellPod('Bad_Name', 'true'));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.reason, 'Invalid');
    assert.equal(bad.body.kind, 'Status');
    assert.equal(bad.body.message, `Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
    assert.deepEqual(bad.body.details.causes.map((c: { field: string; reason: string }) => [c.field, c.reason]), [['metadata.name', 'FieldValueInvalid']]);
    assert.deepEqual({ name: bad.body.details.name, kind: bad.body.details.kind }, { name: 'Bad_Name', kind: 'Pod' });

    const label = await admin.createPod(shellPod('lbl', 'true', { labels: { run: 'x'.repeat(64), 'bad key': 'v' } }));
    assert.equal(label.status, 422);
    const msgs = label.body.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);
    assert.ok(msgs.some((m: string) => m.startsWith(`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`)), msgs.join('\n'));
    assert.ok(msgs.some((m: string) => m.startsWith('metadata.labels: Invalid value: "bad key": name part must consist of')), msgs.join('\n'));
    assert.match(label.body.message, /^Pod "lbl" is invalid: \[metadata\.labels: /);

    const negative = await admin.createPod(shellPod('q1', 'true', { resources: { requests: { cpu: '-1' } } }));
    assert.equal(negative.status, 422);
    assert.equal(negative.body.details.causes[0].field, 'spec.containers[0].resources.requests[cpu]');
    assert.equal(negative.body.details.causes[0].message, 'Invalid value: "-1": must be greater than or equal to 0');

    const over = await admin.createPod(shellPod('q2', 'true', { resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }));
    assert.equal(over.status, 422);
    assert.equal(over.body.details.causes[0].message, 'Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi');

    // An unparseable quantity fails decoding: 400, as on the real server.
    const syntax = await admin.createPod(shellPod('q3', 'true', { resources: { limits: { memory: '12XB' } } }));
    assert.equal(syntax.status, 400);
    assert.equal(syntax.body.reason, 'BadRequest');
    assert.match(syntax.body.message, /^Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression/);

    const ok = await admin.createPod(shellPod('q4', 'true', { resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: 1.5, memory: '1e9', 'nvidia.com/gpu': '1' } } }));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.spec.containers[0].resources.requests['nvidia.com/gpu'], '1');
    assert.equal(ok.body.status.qosClass, 'Burstable');

    const empty = await admin.createPod({ metadata: { name: 'empty' }, spec: {} });
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.body.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);

    const noImage = await admin.createPod({ metadata: { name: 'noimg' }, spec: { restartPolicy: 'Sometimes', containers: [{ command: ['true'] }] } });
    assert.equal(noImage.status, 422);
    assert.deepEqual(noImage.body.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`).sort(), [
      'spec.containers[0].image: Required value',
      'spec.containers[0].name: Required value',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });
});

describe('API semantics: patch, update and delete', () => {
  test('patch (merge and strategic), update conflicts, pod spec immutability', async () => {
    const created = (await admin.createPod(shellPod('patchme', 'true', { labels: { a: '1' } }))).body;
    const merged = await admin.patch(admin.pods('/patchme'), { metadata: { labels: { b: '2', a: null } } });
    assert.equal(merged.status, 200, merged.text);
    assert.deepEqual(merged.body.metadata.labels, { b: '2' });
    assert.ok(Number(merged.body.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    const smp = await admin.patch(admin.pods('/patchme'), { metadata: { annotations: { note: 'x' } } }, 'application/strategic-merge-patch+json');
    assert.equal(smp.body.metadata.annotations.note, 'x');
    const image = await admin.patch(admin.pods('/patchme'), { spec: { containers: [{ name: 'main', image: 'docker.io/alpine:latest' }] } }, 'application/strategic-merge-patch+json');
    assert.equal(image.status, 200, image.text);
    assert.equal(image.body.spec.containers[0].image, 'docker.io/alpine:latest');
    assert.deepEqual(image.body.spec.containers[0].command, ['sh', '-c', 'true']);
    const forbidden = await admin.patch(admin.pods('/patchme'), { spec: { restartPolicy: 'Always' } });
    assert.equal(forbidden.status, 422);
    assert.match(forbidden.body.message, /spec: Forbidden: pod updates may not change fields other than/);
    const stale = await admin.request('PUT', admin.pods('/patchme'), { ...created, metadata: { ...created.metadata, labels: { c: '3' } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(stale.body.message, 'Operation cannot be fulfilled on pods "patchme": the object has been modified; please apply your changes to the latest version and try again');
    const json = await admin.patch(admin.pods('/patchme'), [{ op: 'add', path: '/metadata/labels/j', value: 'p' }], 'application/json-patch+json');
    assert.equal(json.body.metadata.labels.j, 'p');
    const status = await admin.patch(admin.pods('/patchme'), { status: { phase: 'Running' } });
    assert.equal(status.body.status.phase, 'Pending', 'status changes through the main resource are ignored');
  });

  test('delete, deletecollection, and garbage collection of dependents', async () => {
    const owner = (await admin.createPod(shellPod('owner', 'true'))).body;
    const ref = { apiVersion: 'v1', kind: 'Pod', name: 'owner', uid: owner.metadata.uid, controller: true };
    for (const n of ['dep-1', 'dep-2']) await admin.createPod({ ...shellPod(n, 'true'), metadata: { name: n, ownerReferences: [ref] } });
    const del = await admin.delete(admin.pods('/owner'), { gracePeriodSeconds: 30 });
    assert.equal(del.status, 200, 'an unscheduled pod goes at once');
    assert.equal(del.body.metadata.name, 'owner');
    for (let i = 0; i < 50 && ((await admin.pod('dep-1')) || (await admin.pod('dep-2'))); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await admin.pod('dep-1'), undefined);
    assert.equal(await admin.pod('dep-2'), undefined);

    for (const n of ['col-1', 'col-2', 'col-3']) await admin.createPod(shellPod(n, 'true', { labels: { batch: n === 'col-3' ? 'keep' : 'drop' } }));
    const col = await admin.delete(admin.pods('?labelSelector=batch%3Ddrop'));
    assert.equal(col.status, 200);
    assert.equal(col.body.kind, 'PodList');
    assert.deepEqual(col.body.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort(), ['col-1', 'col-2']);
    assert.ok(await admin.pod('col-3'));
    assert.equal(await admin.pod('col-1'), undefined);
    const gone = await admin.delete(admin.pods('/col-1'));
    assert.equal(gone.status, 404);
  });
});

describe('API semantics: secrets, configmaps, PVCs, namespaces and jobs', () => {
  test('secrets, configmaps, PVCs, namespaces and jobs', async () => {
    const ns = cluster.namespace;
    const secret = await admin.post(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 's1' }, stringData: { token: 'abc' } });
    assert.equal(secret.status, 201);
    assert.equal(secret.body.data.token, Buffer.from('abc').toString('base64'));
    assert.equal(secret.body.type, 'Opaque');
    const cm = await admin.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'c1' }, data: { k: 'v' } });
    assert.equal(cm.status, 201);
    assert.equal((await admin.get(`/api/v1/namespaces/${ns}/configmaps/c1`)).body.data.k, 'v');
    const delCm = await admin.delete(`/api/v1/namespaces/${ns}/configmaps/c1`);
    assert.equal(delCm.body.status, 'Success');
    const pvc = await admin.post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    assert.equal(pvc.status, 201);
    assert.equal(pvc.body.status.phase, 'Bound');
    assert.equal(cluster.pvcDir('data'), `${cluster.dataDir}/pvc/${ns}/data`);
    const badPvc = await admin.post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, { metadata: { name: 'bad' }, spec: {} });
    assert.equal(badPvc.status, 422);
    const nsr = await admin.post('/api/v1/namespaces', { metadata: { name: 'other' } });
    assert.equal(nsr.body.status.phase, 'Active');
    assert.equal((await admin.get('/api/v1/namespaces/other')).body.metadata.name, 'other');
    const job = await admin.post(`/apis/batch/v1/namespaces/${ns}/jobs`, { metadata: { name: 'j1' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'debian' }] } } } });
    assert.equal(job.status, 201, job.text);
    assert.equal(job.body.spec.backoffLimit, 6);
    assert.equal(job.body.spec.template.metadata.labels['job-name'], 'j1');
    assert.equal(job.body.spec.template.metadata.labels['controller-uid'], job.body.metadata.uid);
    const badJob = await admin.post(`/apis/batch/v1/namespaces/${ns}/jobs`, { metadata: { name: 'j2' }, spec: { template: { spec: { containers: [{ name: 'main', image: 'debian' }] } } } });
    assert.equal(badJob.status, 422);
    assert.match(badJob.body.message, /^Job\.batch "j2" is invalid: spec\.template\.spec\.restartPolicy: Unsupported value: "Always"/);
    const delJob = await admin.delete(`/apis/batch/v1/namespaces/${ns}/jobs/j1`);
    assert.equal(delJob.status, 200);
    assert.match(delJob.headers.get('warning') ?? '', /child pods are preserved by default when jobs are deleted/);
  });
});
