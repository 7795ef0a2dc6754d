/**
 * What the stand-in must do exactly as a real API server does, checked on
 * whichever cluster BESPIN_TEST_CLUSTER names: the stand-in in the unit
 * tests, the real cluster in `npm run test:kubernetes:real`. Each case here
 * is one where the two once differed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { openCluster } from '../helpers/clusterUnderTest.js';

test('imagePullPolicy defaults to Always for :latest and untagged images, IfNotPresent otherwise', { timeout: 60_000 }, async () => {
  const cluster = await openCluster({ claims: {} });
  try {
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const cases: [string, string][] = [
      ['docker.io/alpine:latest', 'Always'],
      ['docker.io/alpine', 'Always'],
      ['docker.io/debian:stable-slim', 'IfNotPresent'],
      ['localhost:5000/tool', 'Always'],
      ['docker.io/debian@sha256:0000000000000000000000000000000000000000000000000000000000000000', 'IfNotPresent'],
    ];
    for (const [i, [image, policy]] of cases.entries()) {
      const pod = await core.createNamespacedPod({
        namespace: cluster.namespace,
        body: {
          metadata: { name: `policy-${i}` },
          // Never scheduled: a node selector no node has.
          spec: { nodeSelector: { 'bespin.io/none': 'none' }, automountServiceAccountToken: false, containers: [{ name: 'c', image }] },
        },
      });
      assert.equal(pod.spec?.containers[0]?.imagePullPolicy, policy, image);
      await core.deleteNamespacedPod({ name: `policy-${i}`, namespace: cluster.namespace, gracePeriodSeconds: 0 });
    }
  } finally {
    await cluster.stop();
  }
});
