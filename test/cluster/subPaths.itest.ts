/**
 * subPath mounts as the kubelet prepares them (pkg/kubelet/kubelet_pods.go
 * makeMounts, pkg/volume/util/subpath), on whichever cluster
 * BESPIN_TEST_CLUSTER names: the stand-in must refuse what a real kubelet
 * refuses, since step pods mount each input by subPath.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, type V1Pod, type V1VolumeMount } from '@kubernetes/client-node';
import { openCluster, type ClusterUnderTest } from '../helpers/clusterUnderTest.js';

let cluster: ClusterUnderTest;
let core: CoreV1Api;
let root: string;
let data: string;
let outside: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'bespin-subpath-'));
  await chmod(root, 0o755);
  data = path.join(root, 'data');
  outside = path.join(root, 'outside');
  await mkdir(path.join(data, 'real'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(data, 'file.txt'), 'one file\n');
  await writeFile(path.join(data, 'real', 'in.txt'), 'inside\n');
  await writeFile(path.join(outside, 'secret.txt'), 'not for pods\n');
  await symlink('real', path.join(data, 'inner'));
  await symlink(outside, path.join(data, 'escape'));
  await symlink(path.join(outside, 'secret.txt'), path.join(data, 'escape.txt'));
  cluster = await openCluster({ claims: { data: { hostDir: data } } });
  core = cluster.admin.makeApiClient(CoreV1Api);
});
after(async () => {
  await cluster.stop();
  await rm(root, { recursive: true, force: true });
});

async function start(name: string, script: string, volumeMounts: V1VolumeMount[]): Promise<void> {
  await core.createNamespacedPod({
    namespace: cluster.namespace,
    body: {
      metadata: { name },
      spec: {
        restartPolicy: 'Never', automountServiceAccountToken: false, terminationGracePeriodSeconds: 0,
        containers: [{ name: 'main', image: 'docker.io/debian:stable-slim', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], volumeMounts }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    },
  });
}

async function until(name: string, done: (p: V1Pod) => boolean): Promise<V1Pod> {
  for (let i = 0; i < 600; i++) {
    const pod = (await core.listNamespacedPod({ namespace: cluster.namespace, fieldSelector: `metadata.name=${name}` })).items[0];
    if (pod && done(pod)) return pod;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`pod ${name} did not get there`);
}

describe('subPath mounts', { concurrency: true }, () => {
  test('a file subPath binds that one file (read-only stays read-only); a symlink inside the volume is followed; a missing one is made a directory', { timeout: 180_000 }, async () => {
    await start('files', 'cat /in/file.txt && ! (echo x > /in/file.txt) 2>/dev/null && cat /r/in.txt && test -d /made', [
      { name: 'data', mountPath: '/in/file.txt', subPath: 'file.txt', readOnly: true },
      { name: 'data', mountPath: '/r', subPath: 'inner', readOnly: true },
      { name: 'data', mountPath: '/made', subPath: 'new/deep' },
    ]);
    const done = await until('files', (p) => ['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status));
    assert.equal(await core.readNamespacedPodLog({ name: 'files', namespace: cluster.namespace }), 'one file\ninside\n');
    assert.ok((await stat(path.join(data, 'new', 'deep'))).isDirectory(), 'the kubelet makes a missing subPath as a directory');
    assert.equal(await readFile(path.join(data, 'file.txt'), 'utf8'), 'one file\n');
  });

  const cases = [['escape-dir', 'escape', 'prepare subPath'], ['escape-file', 'escape.txt', 'prepare subPath'], ['escape-make', 'escape/made', 'create subPath directory']] as const;
  for (const [name, subPath, step] of cases) {
    test(`a subPath through a symlink that leaves the volume (${subPath}) is refused: CreateContainerConfigError, nothing made outside`, { timeout: 180_000 }, async () => {
      await start(name, 'cat /x/secret.txt /x; echo reached', [{ name: 'data', mountPath: '/x', subPath }]);
      const stuck = await until(name, (p) => {
        const s = p.status?.containerStatuses?.[0]?.state;
        return s?.waiting?.reason === 'CreateContainerConfigError' || s?.terminated !== undefined;
      });
      const s = stuck.status?.containerStatuses?.[0]?.state;
      assert.equal(s?.terminated, undefined, `the container ran: ${JSON.stringify(stuck.status)}`);
      assert.equal(s?.waiting?.message, `failed to ${step} for volumeMount "data" of container "main"`);
      assert.deepEqual(await readdir(outside), ['secret.txt']);
      await core.deleteNamespacedPod({ name, namespace: cluster.namespace, gracePeriodSeconds: 0 });
    });
  }
});
