/**
 * --oom-retry on a cluster (the stand-in by default): an OOMKilled pod is run
 * again with twice the memory, admitted through --max-ram at that size, or
 * the run fails at once when that size can never fit. Under --pod-requests
 * min-max, the pod gets the tool's ramMax as its limit (Calrissian's requests set
 * none).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withKubernetesRun } from '../../helpers/kubernetesRun.js';

/** Needs about 50 MiB: OOMKilled under a 32 MiB limit, fine under 64 MiB. */
const HOG = `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/python:3-slim}
  ResourceRequirement: {ramMin: 32, ramMax: 32}
baseCommand: [python3, -c, "a = ' ' * 40_000_000; print('survived')"]
inputs: []
outputs:
  said: stdout
`;

test('an OOMKilled pod is run again with twice the memory, and the run succeeds', { timeout: 180_000 }, async () => {
  await withKubernetesRun(async ({ input, run }) => {
    await writeFile(path.join(input, 'hog.cwl'), HOG);
    const r = await run(['--pod-requests', 'min-max', '--oom-retry', '1', '--max-ram', '1Gi', path.join(input, 'hog.cwl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.record.podsCreated, 2);
    const limits = r.record.pods.map((p) => p.spec?.containers[0]?.resources?.limits?.memory);
    assert.deepEqual(limits, ['32Mi', '64Mi'], 'the second pod has twice the memory');
    assert.deepEqual(r.record.pods.map((p) => p.status?.containerStatuses?.[0]?.state?.terminated?.reason), ['OOMKilled', 'Completed']);
  });
});

test('an OOM retry whose doubled size can never fit --max-ram fails at once, naming the pod, the sizes and the limit', { timeout: 180_000 }, async () => {
  await withKubernetesRun(async ({ input, run }) => {
    await writeFile(path.join(input, 'hog.cwl'), HOG);
    const r = await run(['--pod-requests', 'min-max', '--oom-retry', '2', '--max-ram', '48Mi', path.join(input, 'hog.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ERROR hog\.cwl: pod hog-cwl-[0-9a-f]+ was OOMKilled \(memory limit 32 MiB\); a retry with 64 MiB can never fit: 64 MiB of RAM > --max-ram 48 MiB$/m);
    assert.equal(r.record.podsCreated, 1, 'no pod bigger than --max-ram was created');
  });
});
