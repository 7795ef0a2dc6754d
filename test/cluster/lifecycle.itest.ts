import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { startTestCluster } from './index.js';
import { TestClient, shellPod, type Json } from './testClient.js';

const sh = promisify(execFile);

test('kubeconfigs, and stop() leaves no containers and no data directory', async () => {
  const cluster = await startTestCluster({ pvcs: {} });
  const engine = new TestClient(cluster.url, cluster.engineToken, cluster.namespace);
  const kc = load(readFileSync(cluster.kubeconfigPath, 'utf8')) as Json;
  assert.equal(kc.clusters[0].cluster.server, cluster.url);
  assert.equal(kc.users[0].user.token, cluster.engineToken);
  assert.equal(kc.contexts[0].context.namespace, 'bespin-test');
  assert.equal(kc['current-context'], kc.contexts[0].name);
  assert.equal((load(readFileSync(cluster.adminKubeconfigPath, 'utf8')) as Json).users[0].user.token, cluster.adminToken);
  await engine.createPod(shellPod('forever', 'sleep 300'));
  await engine.createPod(shellPod('finished', 'true'));
  await engine.waitForPod('forever', (p) => p.status?.phase === 'Running');
  await engine.waitForPod('finished', (p) => p.status?.phase === 'Succeeded');
  const label = `label=${cluster.containerLabel}`;
  assert.equal((await sh('docker', ['ps', '-aq', '--filter', label])).stdout.trim().split('\n').length, 2);
  await cluster.stop();
  assert.equal((await sh('docker', ['ps', '-aq', '--filter', label])).stdout.trim(), '');
  assert.equal(existsSync(cluster.dataDir), false);
  await assert.rejects(fetch(`${cluster.url}/version`));
});
