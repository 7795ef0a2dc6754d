/**
 * --pods-on-engine-node on the real cluster, with ReadWriteOnce claims only
 * (storage a pod can mount on one node at a time, as on clusters without
 * shared storage): the engine's pod is a placeholder that mounts both claims
 * (CALRISSIAN_POD_NAME names it, as the platform's engine Job does), the
 * engine runs a two-step workflow with the engine's Role only, and every
 * step pod carries a required node affinity on the engine pod's node and ran
 * there. Run by `npm run test:kubernetes:real`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { openCluster, type ClusterUnderTest } from '../../helpers/clusterUnderTest.js';
import { CLI, type CliResult } from '../../helpers/cli.js';
import { until } from '../../helpers/kubernetesRun.js';
import { placeholderPod } from '../../helpers/enginePlaceholder.js';
import { RUN_LABEL } from '../../../src/backends/kubernetes/podSpec.js';

const ENGINE_POD = 'engine';
const IMAGE = 'docker.io/debian:stable-slim';

const WORKFLOW = `cwlVersion: v1.2
class: Workflow
requirements:
  DockerRequirement: {dockerPull: ${IMAGE}}
inputs:
  word: string
outputs:
  counted: {type: File, outputSource: count/counted}
steps:
  say:
    in: {word: word}
    out: [said]
    run:
      class: CommandLineTool
      baseCommand: echo
      inputs: {word: {type: string, inputBinding: {position: 1}}}
      stdout: said.txt
      outputs: {said: stdout}
  count:
    in: {text: say/said}
    out: [counted]
    run:
      class: CommandLineTool
      baseCommand: [wc, -c]
      inputs: {text: {type: File, inputBinding: {position: 1}}}
      stdout: counted.txt
      outputs: {counted: stdout}
`;

/** The engine's pod as the platform makes it (both claims mounted at the engine's paths; it only sleeps), once it runs. */
async function enginePod(c: ClusterUnderTest, dirs: { input: string; tmpout: string }): Promise<V1Pod> {
  const core = c.admin.makeApiClient(CoreV1Api);
  await placeholderPod(c, dirs, ENGINE_POD);
  let pod: V1Pod | undefined;
  await until('the engine pod runs', async () => {
    pod = await core.readNamespacedPod({ name: ENGINE_POD, namespace: c.namespace });
    return pod.status?.phase === 'Running';
  }, 120_000);
  return pod!;
}

/** bespin from the host as the engine pod's process: CALRISSIAN_POD_NAME, no --volume (the pod's claims are the engine's). */
function runEngine(kubeconfig: string, tmpout: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, '--backend', 'kubernetes', '--quiet', ...(process.getuid?.() === 0 ? ['--pod-allow-root'] : []),
      '--tmp-outdir-prefix', `${tmpout}/`, '--tmpdir-prefix', `${tmpout}/`, '--outdir', path.join(tmpout, 'final'), ...args],
    { env: { ...process.env, KUBECONFIG: kubeconfig, CALRISSIAN_POD_NAME: ENGINE_POD } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
  });
}

test("--pods-on-engine-node with ReadWriteOnce claims: every step pod has a required affinity on the engine pod's node, runs there, and the run succeeds", { timeout: 300_000 }, async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-engine-node-'));
  const input = path.join(root, 'input');
  const tmpout = path.join(root, 'tmpout');
  await mkdir(input);
  await mkdir(tmpout);
  await chmod(root, 0o755);
  await writeFile(path.join(input, 'wf.cwl'), WORKFLOW);
  const cluster = await openCluster({
    kind: 'real',
    claims: { 'calrissian-input-data': { hostDir: input, readOnly: true, readWriteOnce: true }, 'calrissian-tmpout': { hostDir: tmpout, readWriteOnce: true } },
  });
  try {
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: cluster.namespace });
    assert.deepEqual(claims.items.map((c) => c.spec?.accessModes), [['ReadWriteOnce'], ['ReadWriteOnce']], 'the claims are ReadWriteOnce');
    const engine = await enginePod(cluster, { input, tmpout });
    const node = engine.spec!.nodeName!;
    assert.ok(node, 'the engine pod is on a node');

    const recording = await cluster.record();
    const r = await runEngine(recording.kubeconfigPath, tmpout, ['--pods-on-engine-node', path.join(input, 'wf.cwl'), '--word', 'placed']);
    const record = await recording.finish();
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { counted: { path: string } };
    assert.match(await readFile(out.counted.path, 'utf8'), /^7 /, "the second step read the first's output: 'placed\\n' is 7 bytes");

    const steps = record.pods.filter((p) => p.metadata?.labels?.[RUN_LABEL] !== undefined);
    assert.equal(steps.length, 2, 'one pod per step');
    for (const p of steps) {
      const name = p.metadata!.name!;
      assert.deepEqual(p.spec!.affinity, {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } },
      }, `${name}: a required affinity on the engine pod's node`);
      assert.equal(p.spec!.nodeName, node, `${name} ran on the engine pod's node`);
      assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0, `${name} succeeded`);
      assert.deepEqual(p.metadata!.ownerReferences?.map((o) => o.name), [ENGINE_POD], `${name} is owned by the engine pod`);
    }
    assert.deepEqual(Object.keys(record.requests).filter((k) => / nodes$/.test(k)), [], "the engine never reads the Node (its Role has no nodes), only its own pod's spec.nodeName");
  } finally {
    await cluster.stop();
    await rm(root, { recursive: true, force: true });
  }
});
