/**
 * The Kubernetes backend and the scheduler, on whichever cluster
 * BESPIN_TEST_CLUSTER names (as endToEnd.test.ts): what the engine refuses
 * before any pod, and what it says and does while a pod waits for a node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { until, withKubernetesRun as withCluster } from '../../helpers/kubernetesRun.js';
import { assertShorterThan, sleepingTool } from '../../helpers/sleepingRun.js';

test('a step asking for more than --max-ram fails before any pod is created', { timeout: 180_000 }, async () => {
  await withCluster(async ({ input, run }) => {
    await writeFile(path.join(input, 'big.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements: {ResourceRequirement: {ramMin: 999000}}
baseCommand: ["true"]
inputs: []
outputs: []
`);
    const r = await run(['--max-ram', '4Gi', path.join(input, 'big.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /big\.cwl: requests more than can ever be available: 999000 MiB of RAM > --max-ram 4096 MiB/);
    assert.equal(r.record.podsCreated, 0);
    assert.equal(r.record.pods.length, 0);
  });
});

test('a pod that waits for room on a busy node says so, waits past --unschedulable-timeout, and runs once the node has room', { timeout: 180_000 }, async () => {
  await withCluster(async ({ input, run }) => {
    // Two steps that each need the whole 2-core node: the engine (--max-cores 4) starts both; the scheduler places one at a time.
    await writeFile(path.join(input, 'whole.cwl'), `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs:
  n: int[]
outputs: {}
steps:
  s:
    scatter: n
    in: {n: n}
    out: []
    run:
      class: CommandLineTool
      requirements:
        DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
        ResourceRequirement: {coresMin: 2}
      baseCommand: [sleep, "4"]
      inputs: {n: int}
      outputs: []
`);
    const r = await run(['--debug', '--max-cores', '4', '--unschedulable-timeout', '1', path.join(input, 'whole.cwl'), '--n', '1', '--n', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.record.podsCreated, 2);
    assert.match(r.stderr, /\[job s\[[01]\]\] pod whole-cwl-s-[01]-[0-9a-f]+ is waiting for a node: 0\/1 nodes are available: 1 Insufficient cpu\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\./);
    assert.match(r.stderr, /\[job s\[[01]\]\] pod whole-cwl-s-[01]-[0-9a-f]+ was placed on a node after waiting \d+ s/);
  });
});

test('a pod no node can ever take fails the step after --unschedulable-timeout, with the scheduler\'s reason', { timeout: 180_000 }, async () => {
  await withCluster(async ({ cluster, input, run }) => {
    // More RAM than either cluster's node has, within --max-ram: only the scheduler can say no.
    await writeFile(path.join(input, 'huge.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
  ResourceRequirement: {ramMin: 100000}
baseCommand: ["true"]
inputs: []
outputs: []
`);
    const r = await run(['--max-ram', '1Ti', '--unschedulable-timeout', '3', path.join(input, 'huge.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /huge\.cwl: pod huge-cwl-[0-9a-f]+ failed: Unschedulable: 0\/1 nodes are available: 1 Insufficient memory\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\./);
    await until('the pod is deleted', async () => (await cluster.podNames()).length === 0);
    await writeFile(path.join(input, 'nap.cwl'), sleepingTool(9, 'docker.io/debian:stable-slim'));
    assertShorterThan(r, await run([path.join(input, 'nap.cwl')]), 'failed after its 3 s --unschedulable-timeout, not later');
  });
});
