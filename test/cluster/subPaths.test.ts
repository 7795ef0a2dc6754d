// subPath mounts on the stand-in's node, as the kubelet prepares them
// (pkg/kubelet/kubelet_pods.go makeMounts, pkg/volume/util/subpath).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, shellPod, type Json } from './testClient.js';

const waiting = (p: Json): Json => p.status?.containerStatuses?.[0]?.state?.waiting;
const terminated = (p: Json): Json => p.status?.containerStatuses?.[0]?.state?.terminated;

describe('subPath mounts on the Docker-backed node', { concurrency: true }, () => {
  let cluster: TestCluster;
  let engine: TestClient;
  let root: string;
  let data: string;
  let outside: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'bespin-subpath-'));
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
    cluster = await startTestCluster({ pvcs: { data }, imagePullBackoffMs: 300, retryMs: 300 });
    engine = new TestClient(cluster.url, cluster.engineToken, cluster.namespace);
  });
  after(async () => {
    await cluster.stop();
    await rm(root, { recursive: true, force: true });
  });

  const volume = { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] };

  test('a file subPath binds that one file (read-only stays read-only); a symlink inside the volume is followed; a missing one is made a directory', async () => {
    const script = 'cat /in/file.txt && ! (echo x > /in/file.txt) 2>/dev/null && cat /r/in.txt && test -d /made';
    const pod = shellPod('files', script, {
      container: { volumeMounts: [
        { name: 'data', mountPath: '/in/file.txt', subPath: 'file.txt', readOnly: true },
        { name: 'data', mountPath: '/r', subPath: 'inner', readOnly: true },
        { name: 'data', mountPath: '/made', subPath: 'new/deep' },
      ] },
      spec: volume,
    });
    assert.equal((await engine.createPod(pod)).status, 201);
    const done = await engine.waitForPod('files', (p) => ['Succeeded', 'Failed'].includes(p.status?.phase), 60_000);
    assert.equal(done.status.phase, 'Succeeded', JSON.stringify(done.status));
    assert.equal((await engine.get(engine.pods('/files/log'))).text, 'one file\ninside\n');
    assert.ok((await stat(path.join(data, 'new', 'deep'))).isDirectory(), 'the kubelet makes a missing subPath as a directory');
    assert.equal(await readFile(path.join(data, 'file.txt'), 'utf8'), 'one file\n');
  });

  const cases = [['escape-dir', 'escape', 'prepare subPath'], ['escape-file', 'escape.txt', 'prepare subPath'], ['escape-make', 'escape/made', 'create subPath directory']] as const;
  for (const [name, subPath, step] of cases) {
    test(`a subPath through a symlink that leaves the volume (${subPath}) is refused: CreateContainerConfigError, nothing made outside`, async () => {
      const pod = shellPod(name, 'cat /x/secret.txt /x; echo reached', {
        container: { volumeMounts: [{ name: 'data', mountPath: '/x', subPath }] },
        spec: volume,
      });
      assert.equal((await engine.createPod(pod)).status, 201);
      const stuck = await engine.waitForPod(name, (p) => waiting(p)?.reason === 'CreateContainerConfigError' || terminated(p) !== undefined, 60_000);
      assert.equal(terminated(stuck), undefined, `the container ran: ${JSON.stringify(stuck.status)}`);
      assert.equal(waiting(stuck).message, `failed to ${step} for volumeMount "data" of container "main"`);
      assert.deepEqual(await readdir(outside), ['secret.txt']);
    });
  }
});
