/**
 * --cachedir on the Kubernetes backend, the cache on the scratch claim as the
 * platform would put it: a killed engine Job started again resumes, creating
 * pods only for the steps that had not finished. Runs on whichever cluster
 * BESPIN_TEST_CLUSTER names (the stand-in by default).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { until, withKubernetesRun } from '../../helpers/kubernetesRun.js';
import { gatedChain } from '../../helpers/workflows.js';

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

test('a killed run started again with the same --cachedir creates pods only for the unfinished steps', { timeout: 240_000 }, async () => {
  await withKubernetesRun(async ({ input, tmpout, run }) => {
    const counter = path.join(tmpout, 'counter');
    const gate = path.join(input, 'gate');
    await writeFile(path.join(input, 'wf.cwl'), gatedChain(counter, gate, '{DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}'));
    await writeFile(path.join(input, 'in.txt'), 'abc\n');
    const args = ['--cachedir', path.join(tmpout, 'cache'), path.join(input, 'wf.cwl'), '--f', path.join(input, 'in.txt')];
    let pid = 0;
    const first = run(args, { onStart: (p) => { pid = p; } });
    await until('the third step\'s pod started', async () => (await lines(counter)).includes('three'), 120_000);
    process.kill(pid, 'SIGKILL');
    const killed = await first;
    assert.equal(killed.code, null, 'the engine was killed');
    assert.equal(killed.record.podsCreated, 3);
    await writeFile(gate, '');
    const second = await run(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.record.podsCreated, 1, 'one pod: the step that had not finished');
    assert.deepEqual((await lines(counter)).filter((l) => l === 'three').length, 2);
    assert.deepEqual((await lines(counter)).filter((l) => l !== 'three'), ['one', 'two'], 'the finished steps did not run again');
    const out = JSON.parse(second.stdout) as { out: { path: string } };
    assert.equal(await readFile(out.out.path, 'utf8'), 'CBA\nCBA\n');
  });
});
