/**
 * --cachedir on the Kubernetes backend, the cache on the scratch claim as the
 * platform would put it: a killed engine Job started again resumes, creating
 * pods only for the steps that had not finished. Runs on whichever cluster
 * BESPIN_TEST_CLUSTER names (the stand-in by default).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { until, withKubernetesRun } from '../../helpers/kubernetesRun.js';
import { gatedPodChain } from '../../helpers/workflows.js';

const stepOf = (p: { metadata?: { labels?: Record<string, string> } }): string => p.metadata?.labels?.['bespin.io/step']?.split('-').pop() ?? '';

test('a killed run started again with the same --cachedir creates pods only for the unfinished steps', { timeout: 240_000 }, async () => {
  await withKubernetesRun(async ({ cluster, input, tmpout, run }) => {
    // A step pod sees only what it is given: the gate is a Directory input, and the steps are followed by their pods.
    const gate = path.join(input, 'gate');
    await mkdir(gate);
    await writeFile(path.join(input, 'wf.cwl'), gatedPodChain('{DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}'));
    await writeFile(path.join(input, 'in.txt'), 'abc\n');
    const args = ['--cachedir', path.join(tmpout, 'cache'), path.join(input, 'wf.cwl'), '--f', path.join(input, 'in.txt'), '--gate', gate];
    let pid = 0;
    const first = run(args, { onStart: (p) => { pid = p; } });
    await until('the third step\'s pod exists', async () => (await cluster.podNames()).some((n) => n.includes('-three-')), 120_000);
    process.kill(pid, 'SIGKILL');
    const killed = await first;
    assert.equal(killed.code, null, 'the engine was killed');
    assert.equal(killed.record.podsCreated, 3);
    await writeFile(path.join(gate, 'open'), '');
    const second = await run(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.record.podsCreated, 1, 'one pod: the step that had not finished');
    assert.deepEqual(second.record.pods.map(stepOf), ['three'], 'the finished steps did not run again');
    const out = JSON.parse(second.stdout) as { out: { path: string } };
    assert.equal(await readFile(out.out.path, 'utf8'), 'CBA\nCBA\n');
  });
});
