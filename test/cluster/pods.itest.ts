import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, shellPod, type Json } from './testClient.js';

const sh = promisify(execFile);
const containersWith = async (label: string): Promise<string[]> =>
  (await sh('docker', ['ps', '-aq', '--filter', `label=${label}`])).stdout.split('\n').filter(Boolean);
const terminated = (p: Json): Json => p.status?.containerStatuses?.[0]?.state?.terminated;
const waiting = (p: Json): Json => p.status?.containerStatuses?.[0]?.state?.waiting;

// Real containers; the tests run concurrently (each pod is small).
let cluster: TestCluster;
let admin: TestClient;
let engine: TestClient;
let inputDir: string;
before(async () => {
  inputDir = await mkdtemp(path.join(os.tmpdir(), 'bespin-input-'));
  await writeFile(path.join(inputDir, 'in.txt'), 'input data\n');
  cluster = await startTestCluster({ pvcs: { 'calrissian-input-data': inputDir }, imagePullBackoffMs: 300, retryMs: 300 });
  admin = new TestClient(cluster.url, cluster.adminToken, cluster.namespace);
  engine = new TestClient(cluster.url, cluster.engineToken, cluster.namespace);
});
after(async () => {
  await cluster.stop();
  assert.deepEqual(await containersWith(cluster.containerLabel), []);
  await rm(inputDir, { recursive: true, force: true });
});

// Every group runs at once too: the groups are there to name the tests' topics.
describe('pods on the Docker-backed node', { concurrency: true }, () => {
  describe('exit codes, a PVC volume and the memory limit', { concurrency: true }, exitCodesVolumesAndMemory);
  describe('image pulls, scheduling and eviction', { concurrency: true }, imagesSchedulingAndEviction);
  describe('deletion, and secret, configMap and emptyDir volumes', { concurrency: true }, deletionAndVolumes);
  describe('init containers and deadlines', { concurrency: true }, initContainersAndDeadlines);
  describe('the environment, and two containers side by side', { concurrency: true }, environmentAndContainers);
});

function exitCodesVolumesAndMemory(): void {
  test('a failing command: phases, exit code 3, and its log during and after the run', async () => {
    const rv = (await engine.get(engine.pods())).body.metadata.resourceVersion;
    const w = await engine.watch(engine.pods(`?watch=1&fieldSelector=metadata.name%3Dexit3&resourceVersion=${rv}`));
    assert.equal((await engine.createPod(shellPod('exit3', 'echo hi; sleep 1; exit 3'))).status, 201);
    await engine.waitForPod('exit3', (p) => p.status?.phase === 'Running');
    const follow = engine.get(engine.pods('/exit3/log?follow=true'));
    const pod = await engine.waitForPod('exit3', (p) => p.status?.phase === 'Failed');
    assert.equal((await follow).text, 'hi\n', 'follow streams until the container ends');
    const t = terminated(pod);
    assert.equal(t.exitCode, 3);
    assert.equal(t.reason, 'Error');
    assert.match(t.containerID, /^docker:\/\/[0-9a-f]{64}$/);
    assert.equal(pod.spec.nodeName, 'test-node');
    assert.ok(pod.status.startTime);
    const log = await engine.get(engine.pods('/exit3/log?container=main'));
    assert.equal(log.status, 200);
    assert.equal(log.text, 'hi\n');
    assert.equal((await engine.get(engine.pods('/exit3/log?follow=true'))).text, 'hi\n');
    assert.match((await engine.get(engine.pods('/exit3/log?timestamps=true'))).text, /^\d{4}-\d\d-\d\dT[\d:.]+Z hi\n$/);
    const phases = w.events.map((e) => e.object.status?.phase);
    assert.equal(w.events[0]!.type, 'ADDED');
    assert.deepEqual([...new Set(phases)], ['Pending', 'Running', 'Failed']);
    const conds = pod.status.conditions.map((c: Json) => `${c.type}=${c.status}`);
    for (const c of ['PodScheduled=True', 'Initialized=True', 'Ready=False', 'ContainersReady=False']) assert.ok(conds.includes(c), conds.join());
    w.close();
  });

  test('a PVC volume: files written in the pod appear in the host directory', async () => {
    await admin.post(`/api/v1/namespaces/${cluster.namespace}/persistentvolumeclaims`, { metadata: { name: 'calrissian-tmpout' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } } });
    const pod = shellPod('pvc-writer', 'cat /in/in.txt > /out/copy.txt && echo sub > /sub/s.txt && ! touch /in/nope 2>/dev/null', {
      container: { volumeMounts: [{ name: 'in', mountPath: '/in', readOnly: true }, { name: 'out', mountPath: '/out' }, { name: 'out', mountPath: '/sub', subPath: 'deep/dir' }] },
      spec: { volumes: [{ name: 'in', persistentVolumeClaim: { claimName: 'calrissian-input-data' } }, { name: 'out', persistentVolumeClaim: { claimName: 'calrissian-tmpout' } }] },
    });
    assert.equal((await engine.createPod(pod)).status, 201);
    const done = await engine.waitForPod('pvc-writer', (p) => ['Succeeded', 'Failed'].includes(p.status?.phase));
    assert.equal(done.status.phase, 'Succeeded', JSON.stringify(done.status));
    assert.equal(terminated(done).reason, 'Completed');
    assert.equal(await readFile(path.join(cluster.pvcDir('calrissian-tmpout'), 'copy.txt'), 'utf8'), 'input data\n');
    assert.equal(await readFile(path.join(cluster.pvcDir('calrissian-tmpout'), 'deep/dir/s.txt'), 'utf8'), 'sub\n');
    assert.equal(cluster.pvcDir('calrissian-input-data'), inputDir);
  });

  test('a memory hog over its 16Mi limit is OOMKilled', async () => {
    const pod = shellPod('hog', '', { image: 'docker.io/python:3-slim', resources: { limits: { memory: '16Mi' } } });
    pod.spec.containers[0].command = ['python3', '-c', "a=' '*100_000_000"];
    assert.equal((await engine.createPod(pod)).status, 201);
    const done = await engine.waitForPod('hog', (p) => p.status?.phase === 'Failed');
    assert.equal(terminated(done).reason, 'OOMKilled');
    assert.equal(terminated(done).exitCode, 137);
    assert.equal(done.status.qosClass, 'Burstable');
  });
}

function imagesSchedulingAndEviction(): void {
  test('an image that is not present: ErrImagePull, then ImagePullBackOff; its log is a 400', async () => {
    assert.equal((await engine.createPod(shellPod('noimage', 'true', { image: 'registry.invalid/nope/tool:1.0' }))).status, 201);
    const pulling = await engine.waitForPod('noimage', (p) => waiting(p)?.reason === 'ErrImagePull');
    assert.match(waiting(pulling).message, /registry\.invalid\/nope\/tool:1\.0/);
    assert.equal(pulling.status.phase, 'Pending');
    const log = await engine.get(engine.pods('/noimage/log'));
    assert.equal(log.status, 400);
    assert.match(log.body.message, /^container "main" in pod "noimage" is waiting to start: (image can't be pulled|trying and failing to pull image)$/);
    const backoff = await engine.waitForPod('noimage', (p) => waiting(p)?.reason === 'ImagePullBackOff');
    assert.equal(waiting(backoff).message, 'Back-off pulling image "registry.invalid/nope/tool:1.0"');
    assert.equal((await engine.createPod(shellPod('badref', 'true', { image: 'Not A/Valid::ref' }))).status, 201);
    const invalid = await engine.waitForPod('badref', (p) => waiting(p)?.reason === 'InvalidImageName');
    assert.match(waiting(invalid).message, /^Failed to apply default image tag "Not A\/Valid::ref": couldn't parse image reference/);
  });

  test('requests beyond the node, or a nodeSelector it does not match, stay Pending as Unschedulable', async () => {
    await engine.createPod(shellPod('too-big', 'true', { resources: { requests: { memory: '100Gi', cpu: '500m' } } }));
    await engine.createPod(shellPod('gpu', 'true', { resources: { limits: { 'nvidia.com/gpu': '1' } } }));
    await engine.createPod(shellPod('elsewhere', 'true', { spec: { nodeSelector: { disk: 'ssd' } } }));
    const cond = (p: Json): Json => p.status?.conditions?.find((c: Json) => c.type === 'PodScheduled');
    const big = await engine.waitForPod('too-big', (p) => cond(p)?.status === 'False');
    assert.deepEqual({ ...cond(big), lastTransitionTime: 'x' }, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: 'x', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' });
    assert.equal(big.status.phase, 'Pending');
    assert.equal(big.spec.nodeName, undefined);
    assert.equal(cond(await engine.waitForPod('gpu', (p) => cond(p)?.status === 'False')).message, '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    assert.equal(cond(await engine.waitForPod('elsewhere', (p) => cond(p)?.status === 'False')).message, "0/1 nodes are available: 1 node(s) didn't match Node's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  });

  test('eviction: phase Failed, reason Evicted, container killed', async () => {
    await engine.createPod(shellPod('victim', 'sleep 300'));
    await engine.waitForPod('victim', (p) => p.status?.phase === 'Running');
    await cluster.faults.evictPod(cluster.namespace, 'victim');
    const p = await engine.pod('victim');
    assert.equal(p.status.phase, 'Failed');
    assert.equal(p.status.reason, 'Evicted');
    assert.equal(p.status.message, 'The node was low on resource: memory.');
    assert.equal(terminated(p).exitCode, 137);
    assert.ok(p.status.conditions.some((c: Json) => c.type === 'DisruptionTarget' && c.status === 'True'));
    const ids = await containersWith(`io.kubernetes.pod.uid=${p.metadata.uid}`);
    const states = (await sh('docker', ['inspect', '-f', '{{.State.Running}}', ...ids])).stdout.trim();
    assert.equal(states, 'false');
  });
}

function deletionAndVolumes(): void {
  test('deleting a running pod kills and removes its container', async () => {
    const created = (await engine.createPod(shellPod('doomed', 'sleep 300'))).body;
    await engine.waitForPod('doomed', (p) => p.status?.phase === 'Running');
    const label = `io.kubernetes.pod.uid=${created.metadata.uid}`;
    assert.equal((await containersWith(label)).length, 1);
    const w = await engine.watch(engine.pods(`?watch=1&fieldSelector=metadata.name%3Ddoomed&resourceVersion=${created.metadata.resourceVersion}`));
    const del = await engine.delete(engine.pods('/doomed'));
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.deletionTimestamp);
    const gone = await w.until((e) => e.type === 'DELETED');
    assert.ok(gone.object.metadata.deletionTimestamp);
    assert.ok(w.events.some((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp));
    for (let i = 0; i < 50 && (await containersWith(label)).length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await containersWith(label), []);
    w.close();
  });

  test('a force delete (gracePeriodSeconds=0) removes the pod at once and its container soon after', async () => {
    const created = (await engine.createPod(shellPod('forced', 'sleep 300'))).body;
    await engine.waitForPod('forced', (p) => p.status?.phase === 'Running');
    const del = await engine.request('DELETE', engine.pods('/forced?gracePeriodSeconds=0'));
    assert.equal(del.status, 200);
    assert.equal(del.body.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(await engine.pod('forced'), undefined);
    const label = `io.kubernetes.pod.uid=${created.metadata.uid}`;
    for (let i = 0; i < 50 && (await containersWith(label)).length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await containersWith(label), []);
  });

  test('secret, configMap and emptyDir volumes', async () => {
    const ns = cluster.namespace;
    await admin.post(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 'vol-secret' }, stringData: { 'key.txt': 'secret!' } });
    await admin.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'vol-cm' }, data: { a: '1', b: '2' } });
    const pod = shellPod('volumes', 'cat /s/key.txt /c/renamed; echo scratch > /e/x; cat /e/x; ls /c', {
      container: { volumeMounts: [{ name: 's', mountPath: '/s' }, { name: 'c', mountPath: '/c' }, { name: 'e', mountPath: '/e' }], securityContext: { runAsUser: 1000 } },
      spec: { volumes: [{ name: 's', secret: { secretName: 'vol-secret' } }, { name: 'c', configMap: { name: 'vol-cm', items: [{ key: 'b', path: 'renamed' }] } }, { name: 'e', emptyDir: {} }] },
    });
    await engine.createPod(pod);
    const done = await engine.waitForPod('volumes', (p) => ['Succeeded', 'Failed'].includes(p.status?.phase));
    const log = (await engine.get(engine.pods('/volumes/log'))).text;
    assert.equal(done.status.phase, 'Succeeded', log);
    assert.equal(log, 'secret!2scratch\nrenamed\n');
  });
}

function initContainersAndDeadlines(): void {
  test('init containers run first; a missing executable is a StartError', async () => {
    const pod = shellPod('with-init', 'cat /work/prepared', {
      container: { volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      spec: {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [{ name: 'prepare', image: 'docker.io/alpine:latest', command: ['sh', '-c', 'echo ready > /work/prepared'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
      },
    });
    await engine.createPod(pod);
    const done = await engine.waitForPod('with-init', (p) => ['Succeeded', 'Failed'].includes(p.status?.phase));
    assert.equal(done.status.phase, 'Succeeded');
    assert.equal(done.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal((await engine.get(engine.pods('/with-init/log'))).text, 'ready\n');
    assert.equal((await engine.get(engine.pods('/with-init/log?container=prepare'))).text, '');
    const missing = shellPod('no-exec', '');
    missing.spec.containers[0].command = ['/no/such/binary'];
    await engine.createPod(missing);
    const failed = await engine.waitForPod('no-exec', (p) => p.status?.phase === 'Failed');
    assert.equal(terminated(failed).reason, 'StartError');
    assert.equal(terminated(failed).exitCode, 128);
    assert.match(terminated(failed).message, /no such file or directory|not found/);
  });

  test('activeDeadlineSeconds fails the pod with DeadlineExceeded', async () => {
    await engine.createPod(shellPod('slow', 'sleep 300', { spec: { activeDeadlineSeconds: 1 } }));
    const p = await engine.waitForPod('slow', (x) => x.status?.phase === 'Failed');
    assert.equal(p.status.reason, 'DeadlineExceeded');
    assert.equal(p.status.message, 'Pod was active on the node longer than the specified deadline');
  });
}

function environmentAndContainers(): void {
  test('env from secrets and configmaps (CreateContainerConfigError until they exist), $(VAR), user, command/args', async () => {
    const pod = shellPod('envy', 'echo "$TOKEN $MODE $COMBINED $(id -u):$(id -g) $PWD $POD"', {
      container: {
        workingDir: '/tmp',
        env: [
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'COMBINED', value: '$(MODE)-x' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        envFrom: [{ configMapRef: { name: 'settings' } }],
        securityContext: { runAsUser: 1000, runAsGroup: 2000 },
      },
    });
    await admin.post(`/api/v1/namespaces/${cluster.namespace}/configmaps`, { metadata: { name: 'settings' }, data: { MODE: 'fast' } });
    await engine.createPod(pod);
    const blocked = await engine.waitForPod('envy', (p) => waiting(p)?.reason === 'CreateContainerConfigError');
    assert.equal(waiting(blocked).message, 'secret "creds" not found');
    await admin.post(`/api/v1/namespaces/${cluster.namespace}/secrets`, { metadata: { name: 'creds' }, stringData: { token: 's3cret' } });
    await engine.waitForPod('envy', (p) => p.status?.phase === 'Succeeded');
    assert.equal((await engine.get(engine.pods('/envy/log'))).text, 's3cret fast fast-x 1000:2000 /tmp envy\n');
    // bash:4.4 has ENTRYPOINT docker-entrypoint.sh: args alone go to it, command replaces it.
    const args = shellPod('args-only', '', { image: 'docker.io/bash:4.4' });
    delete args.spec.containers[0].command;
    args.spec.containers[0].args = ['-c', 'echo "args $0"'];
    await engine.createPod(args);
    await engine.waitForPod('args-only', (p) => p.status?.phase === 'Succeeded');
    assert.equal((await engine.get(engine.pods('/args-only/log'))).text, 'args bash\n');
  });

  test('two containers run side by side; their logs need a container name', async () => {
    const pod = shellPod('pair', 'echo one');
    pod.spec.containers.push({ name: 'side', image: 'docker.io/alpine:latest', command: ['sh', '-c', 'echo two; exit 1'] });
    await engine.createPod(pod);
    const done = await engine.waitForPod('pair', (p) => p.status?.phase === 'Failed');
    assert.deepEqual(done.status.containerStatuses.map((c: Json) => [c.name, c.state.terminated.exitCode]), [['main', 0], ['side', 1]]);
    const any = await engine.get(engine.pods('/pair/log'));
    assert.equal(any.status, 400);
    assert.equal(any.body.message, 'a container name must be specified for pod pair, choose one of: [main side]');
    assert.equal((await engine.get(engine.pods('/pair/log?container=side'))).text, 'two\n');
    assert.equal((await engine.get(engine.pods('/pair/log?container=nope'))).body.message, 'container nope is not valid for pod pair');
  });
}
