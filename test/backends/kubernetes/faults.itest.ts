/**
 * The Kubernetes backend under faults only the stand-in can inject: API error
 * bursts, dropped watches, evictions. The rest of the end-to-end tests run on
 * any cluster (endToEnd.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestCluster } from '../../cluster/index.js';
import { withKubernetesRun } from '../../helpers/kubernetesRun.js';
import { wordsScatter } from '../../helpers/workflows.js';

/** A bespin run on the stand-in, whose faults the test injects. */
function withStandin(work: (c: TestCluster, run: (args: string[]) => Promise<{ code: number | null; stderr: string }>, input: string) => Promise<void>): Promise<void> {
  return withKubernetesRun(({ cluster, run, input }) => work(cluster.standin!, (args) => run(args), input), 'standin');
}

const SCATTER = wordsScatter('echo "$0: $(cat "$1")"');

test('API 429/500 bursts and dropped watches do not fail the run or run a step twice', { timeout: 90_000 }, async () => {
  await withStandin(async (cluster, run, input) => {
    await writeFile(path.join(input, 'wf.cwl'), SCATTER);
    await writeFile(path.join(input, 'notes.txt'), 'n');
    // The engine's requests only: the test's own watch on the pods is no part of it.
    cluster.faults.failNext({ count: 2, code: 429, verb: 'create', resource: 'pods', user: 'engine' });
    cluster.faults.failNext({ count: 1, code: 500, verb: 'list', resource: 'pods', user: 'engine' });
    const timer = setInterval(() => cluster.faults.dropWatches(), 300);
    try {
      const r = await run([path.join(input, 'wf.cwl'), '--words', 'x', '--words', 'y', '--words', 'z', '--notes', path.join(input, 'notes.txt')]);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      clearInterval(timer);
    }
    assert.equal(cluster.counters.snapshot().podsCreated, 3, 'each step ran exactly once');
  });
});

/** Evicts each running pod of the cluster once it runs, at most `times` pods in all. */
function evictRunningPods(cluster: TestCluster, times: number): () => number {
  let evicted = 0;
  const seen = new Set<string>();
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    void (async () => {
      const res = await fetch(`${cluster.url}/api/v1/namespaces/${cluster.namespace}/pods?fieldSelector=status.phase%3DRunning`, { headers: { authorization: `Bearer ${cluster.adminToken}` } });
      const pods = ((await res.json()) as { items: { metadata: { name: string } }[] }).items;
      for (const p of pods) {
        if (evicted >= times || seen.has(p.metadata.name)) continue;
        seen.add(p.metadata.name);
        evicted++;
        await cluster.faults.evictPod(cluster.namespace, p.metadata.name);
      }
    })()
      // A poll cut short (a keep-alive socket the stand-in closed under load) is simply made again at the next tick.
      .catch(() => undefined)
      .finally(() => { polling = false; });
  }, 50);
  return () => { clearInterval(timer); return evicted; };
}

const SLEEPER = `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
baseCommand: [sh, -c, 'sleep 2; echo done']
inputs: []
outputs:
  out: stdout
`;

test('an evicted pod is run again, one pod at a time, and the run succeeds', { timeout: 90_000 }, async () => {
  await withStandin(async (cluster, run, input) => {
    await writeFile(path.join(input, 'sleeper.cwl'), SLEEPER);
    const stop = evictRunningPods(cluster, 1);
    const r = await run([path.join(input, 'sleeper.cwl')]);
    assert.equal(stop(), 1);
    assert.equal(r.code, 0, r.stderr);
    const counters = cluster.counters.snapshot();
    assert.equal(counters.podsCreated, 2, 'the evicted step ran once more');
    assert.equal(counters.maxRunningPods, 1, 'never two pods of the step at once');
  });
});

test('a step whose pods keep being evicted fails, naming the step and the reason', { timeout: 120_000 }, async () => {
  await withStandin(async (_cluster, run, input) => {
    await writeFile(path.join(input, 'sleeper.cwl'), SLEEPER);
    const stop = evictRunningPods(_cluster, 100);
    const r = await run([path.join(input, 'sleeper.cwl')]);
    stop();
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ERROR sleeper\.cwl: pod sleeper-cwl-[0-9a-f]+ failed: Evicted: The node was low on resource: memory/);
  });
});
