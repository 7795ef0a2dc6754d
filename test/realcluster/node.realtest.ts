/**
 * The real cluster of test/realcluster/ does what the next stages need and
 * nothing that leaves the machine: the `kubernetes` Service answers a pod
 * with its service-account token (bespin will run as such a pod), images of
 * any registry come from the mirror on loopback, and a pod's DNS never
 * reaches the host's resolver. Run by `npm run test:kubernetes:real` (needs
 * root; brings the cluster up when it is down).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { openCluster, REAL_CLUSTER_STATE, type ClusterUnderTest } from '../helpers/clusterUnderTest.js';

/** A namespace of its own on the real cluster, for `work`, removed afterwards. */
async function inNamespace(work: (cluster: ClusterUnderTest, core: CoreV1Api) => Promise<void>): Promise<void> {
  const cluster = await openCluster({ claims: {}, kind: 'real' });
  try {
    await work(cluster, cluster.admin.makeApiClient(CoreV1Api));
  } finally {
    await cluster.stop();
  }
}

/** Runs a one-container pod to its end and returns its log and final status. */
async function runPod(core: CoreV1Api, namespace: string, pod: V1Pod): Promise<{ log: string; pod: V1Pod }> {
  const name = pod.metadata!.name!;
  await core.createNamespacedPod({ namespace, body: pod });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const p = await core.readNamespacedPod({ name, namespace });
    const waiting = p.status?.containerStatuses?.[0]?.state?.waiting;
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' || (waiting && /Err|BackOff/.test(waiting.reason ?? ''))) {
      const log = p.status?.phase === 'Pending' ? '' : await core.readNamespacedPodLog({ name, namespace });
      return { log, pod: p };
    }
    if (Date.now() > deadline) throw new Error(`pod ${name} did not finish: ${JSON.stringify(p.status)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('the kubernetes Service answers a pod that uses its service-account token', { timeout: 180_000 }, async () => {
  await inNamespace(async (cluster, core) => {
    const script = [
      'import json, os, ssl, urllib.request',
      'sa = "/var/run/secrets/kubernetes.io/serviceaccount"',
      'token = open(sa + "/token").read()',
      'ns = open(sa + "/namespace").read()',
      'url = "https://%s:%s/api/v1/namespaces/%s/pods" % (os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT"], ns)',
      'req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})',
      'ctx = ssl.create_default_context(cafile=sa + "/ca.crt")',
      'body = json.load(urllib.request.urlopen(req, context=ctx, timeout=10))',
      'print(json.dumps({"kind": body["kind"], "names": [p["metadata"]["name"] for p in body["items"]]}))',
    ].join('\n');
    const { log, pod } = await runPod(core, cluster.namespace, {
      metadata: { name: 'in-cluster-client' },
      spec: {
        serviceAccountName: 'bespin-engine', restartPolicy: 'Never',
        containers: [{ name: 'client', image: 'docker.io/python:3-slim', imagePullPolicy: 'IfNotPresent', command: ['python3', '-c', script] }],
      },
    });
    assert.equal(pod.status?.phase, 'Succeeded', log);
    // The engine's Role may list pods: it sees itself, through the Service's cluster IP and TLS.
    assert.deepEqual(JSON.parse(log.trim()), { kind: 'PodList', names: ['in-cluster-client'] });
  });
});

test('an image of an unknown registry is looked for on the loopback mirror, never resolved by DNS', { timeout: 120_000 }, async () => {
  await inNamespace(async (cluster, core) => {
    const image = `quay.invalid/bespin-test/ghost-${cluster.namespace}:1`;
    const { pod } = await runPod(core, cluster.namespace, {
      metadata: { name: 'ghost' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'ghost', image, imagePullPolicy: 'Always' }] },
    });
    const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
    assert.match(waiting?.reason ?? '', /ErrImagePull|ImagePullBackOff/);
    assert.match(waiting?.message ?? '', /not found/, 'the mirror answered (a DNS failure would say "no such host")');
    const registryLog = await readFile(path.join(REAL_CLUSTER_STATE, 'logs/registry.log'), 'utf8');
    assert.ok(registryLog.includes(`bespin-test/ghost-${cluster.namespace}`), 'the pull reached the mirror');
  });
});

test("a pod's DNS queries never reach the host's resolver", { timeout: 120_000 }, async () => {
  await inNamespace(async (cluster, core) => {
    const { log, pod } = await runPod(core, cluster.namespace, {
      metadata: { name: 'resolver' },
      spec: {
        restartPolicy: 'Never', automountServiceAccountToken: false,
        containers: [{
          name: 'r', image: 'docker.io/debian:stable-slim', imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', 'cat /etc/resolv.conf; getent hosts deb.debian.org && echo RESOLVED || echo UNRESOLVED'],
        }],
      },
    });
    assert.equal(pod.status?.phase, 'Succeeded', log);
    const nameservers = log.split('\n').filter((l) => l.startsWith('nameserver')).map((l) => l.split(/\s+/)[1]);
    assert.deepEqual(nameservers, ['127.0.0.1'], log);
    assert.match(log, /UNRESOLVED/);
  });
});
