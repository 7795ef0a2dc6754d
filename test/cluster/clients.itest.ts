import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { startTestCluster } from './index.js';
import { shellPod, type Json } from './testClient.js';

const sh = promisify(execFile);

/** @kubernetes/client-node when installed (the tests do not depend on it). */
async function clientNode(): Promise<Json | undefined> {
  const specifier = '@kubernetes/client-node';
  return import(specifier).catch(() => undefined);
}

const kubectlMissing = await sh('kubectl', ['version', '--client']).then(() => false, () => true);
const k8s = await clientNode();

const until = async (ok: () => boolean, ms = 15_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('@kubernetes/client-node: list, create, informer (through dropped and expired watches), logs, RBAC errors', async () => {
  assert.ok(k8s, '@kubernetes/client-node is a dependency and must load');
  const cluster = await startTestCluster({ bookmarkIntervalMs: 500 });
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const ns = cluster.namespace;
    const labelSelector = 'suite=client-node';
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/pods`, () => core.listNamespacedPod({ namespace: ns, labelSelector }), labelSelector);
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (p: Json) => seen.push(`add ${p.metadata.name}`));
    informer.on('update', (p: Json) => seen.push(`update ${p.metadata.name} ${p.status?.phase}`));
    informer.on('delete', (p: Json) => seen.push(`delete ${p.metadata.name}`));
    informer.on('error', (e: unknown) => errors.push(e));
    await informer.start();

    await core.createNamespacedPod({ namespace: ns, body: shellPod('cn-1', 'echo from client-node; sleep 1', { labels: { suite: 'client-node' } }) });
    await until(() => seen.includes('update cn-1 Running'));
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => { text += d.toString(); });
    const log = new k8s.Log(kc);
    const followed = new Promise<void>((resolve) => out.on('end', resolve));
    await log.log(ns, 'cn-1', 'main', out, { follow: true });
    await followed;
    assert.equal(text, 'from client-node\n');
    await until(() => seen.includes('update cn-1 Succeeded'));
    assert.equal(await core.readNamespacedPodLog({ name: 'cn-1', namespace: ns, container: 'main' }), 'from client-node\n');
    const listed = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'metadata.name=cn-1' });
    assert.equal(listed.items[0].status.containerStatuses[0].state.terminated.exitCode, 0);
    assert.ok(listed.items[0].metadata.creationTimestamp instanceof Date);

    await assert.rejects(core.readNamespacedPod({ name: 'cn-1', namespace: ns }), (e: Json) => e.code === 403 && /cannot get resource "pods"/.test(JSON.parse(e.body).message));
    await assert.rejects(core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' } } }), (e: Json) => e.code === 403);

    // The server drops every watch, then compacts its history: the informer resumes, relists on 410, and misses nothing.
    cluster.faults.dropWatches();
    await core.createNamespacedPod({ namespace: ns, body: shellPod('cn-2', 'true', { labels: { suite: 'client-node' } }) });
    await until(() => seen.includes('add cn-2'));
    cluster.faults.expireWatchHistory();
    cluster.faults.dropWatches();
    await core.createNamespacedPod({ namespace: ns, body: shellPod('cn-3', 'true', { labels: { suite: 'client-node' } }) });
    await until(() => seen.includes('add cn-3'));
    await core.deleteNamespacedPod({ name: 'cn-1', namespace: ns, gracePeriodSeconds: 0 });
    await until(() => seen.includes('delete cn-1'));
    assert.deepEqual(errors, []);
    assert.ok(cluster.counters.watchesTotal >= 3);
    await informer.stop();
  } finally {
    await cluster.stop();
  }
});

test('kubectl over HTTPS: get, create, logs, and the engine role', async () => {
  assert.equal(kubectlMissing, false, 'kubectl must be installed (.ci/run installs it)');
  const cluster = await startTestCluster({ tls: true });
  try {
    const kubectl = async (kubeconfig: string, ...args: string[]): Promise<{ code: number; out: string }> =>
      sh('kubectl', ['--kubeconfig', kubeconfig, ...args]).then((r) => ({ code: 0, out: r.stdout }), (e: Json) => ({ code: e.code ?? 1, out: `${e.stdout}${e.stderr}` }));
    const manifest = path.join(cluster.dataDir, 'pod.json');
    await writeFile(manifest, JSON.stringify(shellPod('kube', 'echo via kubectl')));
    assert.deepEqual(await kubectl(cluster.kubeconfigPath, 'create', '-f', manifest), { code: 0, out: 'pod/kube created\n' });
    const forbidden = await kubectl(cluster.kubeconfigPath, 'get', 'pod', 'kube');
    assert.notEqual(forbidden.code, 0);
    assert.match(forbidden.out, /Error from server \(Forbidden\): pods "kube" is forbidden: User "system:serviceaccount:bespin-test:bespin-engine" cannot get resource "pods" in API group "" in the namespace "bespin-test"/);
    for (let i = 0; i < 100; i++) {
      const phase = await kubectl(cluster.adminKubeconfigPath, 'get', 'pod', 'kube', '-o', 'jsonpath={.status.phase}');
      if (phase.out === 'Succeeded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // kubectl logs reads the pod first, which the engine role does not allow.
    assert.match((await kubectl(cluster.kubeconfigPath, 'logs', 'kube')).out, /pods "kube" is forbidden/);
    assert.deepEqual(await kubectl(cluster.adminKubeconfigPath, 'logs', 'kube'), { code: 0, out: 'via kubectl\n' });
    const list = await kubectl(cluster.kubeconfigPath, 'get', 'pods', '-o', 'name');
    assert.equal(list.out, 'pod/kube\n');
    assert.equal((await kubectl(cluster.adminKubeconfigPath, 'delete', 'pod', 'kube')).code, 0);
  } finally {
    await cluster.stop();
  }
});
