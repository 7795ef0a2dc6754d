/**
 * The Kubernetes backend end to end, on whichever cluster BESPIN_TEST_CLUSTER
 * names (test/helpers/clusterUnderTest.ts): the stand-in by default, the real
 * local cluster in CI as well. bespin runs as a child process with the
 * engine's service account (exactly rbac/'s Role); its API requests go
 * through a recorder, and an admin's watch sees the namespace's pods.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { ClusterUnderTest } from '../../helpers/clusterUnderTest.js';
import { until, withKubernetesRun as withCluster } from '../../helpers/kubernetesRun.js';
import { assertShorterThan, sleepingTool } from '../../helpers/sleepingRun.js';
import { wordsScatter } from '../../helpers/workflows.js';

const SCATTER = wordsScatter('sleep 1; echo "$0: $(cat "$1")"');

test('a scatter runs as pods through one watch, within --max-cores, and leaves no pod', { timeout: 180_000 }, async () => {
  await withCluster(async ({ cluster, input, run }) => {
    await writeFile(path.join(input, 'wf.cwl'), SCATTER);
    await writeFile(path.join(input, 'notes.txt'), 'shared notes');
    const words = ['a', 'b', 'c', 'd', 'e', 'f'];
    const r = await run(['--max-cores', '2', path.join(input, 'wf.cwl'), ...words.flatMap((w) => ['--words', w]), '--notes', path.join(input, 'notes.txt')]);
    assert.equal(r.code, 0, r.stderr);
    const said = (JSON.parse(r.stdout) as { said: { path: string }[] }).said;
    assert.deepEqual(await Promise.all(said.map((f) => readFile(f.path, 'utf8'))), words.map((w) => `${w}: shared notes\n`));
    assert.equal(r.record.watchesOpened, 1, `one watch per run; requests: ${JSON.stringify(r.record.requests)}`);
    assert.equal(r.record.podsCreated, words.length);
    assert.equal(r.record.pods.length, words.length);
    assert.equal(r.record.maxActivePods, 2, 'two pods at once: --max-cores 2 is used, never exceeded');
    assert.equal(r.record.requests['get pods'] ?? 0, 0, 'the engine never gets a pod (its Role has no get)');
    // A real API server removes a deleted pod only once its kubelet confirms: allow it the moment the stand-in's old check did.
    await until('no pod of the run is left', async () => (await cluster.podNames()).length === 0);
  });
});

test('an OOMKilled step fails the run naming the step and the reason', { timeout: 180_000 }, async () => {
  await withCluster(async ({ input, run }) => {
    await writeFile(path.join(input, 'hog.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/python:3-slim}
  ResourceRequirement: {ramMin: 16, ramMax: 16}
baseCommand: [python3, -c, "a = ' ' * 200_000_000"]
inputs: []
outputs: []
`);
    // Under --pod-requests min-max ramMax is the pod's limit (Calrissian's requests set none).
    const r = await run(['--pod-requests', 'min-max', path.join(input, 'hog.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ERROR hog\.cwl: pod hog-cwl-[0-9a-f]+ was OOMKilled \(memory limit 16 MiB\)/);
  });
});

test('an image that cannot be pulled fails within seconds', { timeout: 180_000 }, async () => {
  await withCluster(async ({ cluster, input, run }) => {
    // A docker.io name: on the real cluster every registry is the mirror on loopback, which has no such image.
    await writeFile(path.join(input, 'ghost.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/bespin-test/no-such-image:1}}
baseCommand: ["true"]
inputs: []
outputs: []
`);
    const r = await run([path.join(input, 'ghost.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ghost\.cwl: pod ghost-cwl-[0-9a-f]+ failed: (ErrImagePull|ImagePullBackOff)/);
    await until('the failed pod is deleted', async () => (await cluster.podNames()).length === 0);
    // The kubelet retries a pull after 10 s, then 20 s, 40 s…: a run that gives up on the first
    // pull error (or the first back-off) ends before a pod sleeping 25 s does; one that waited
    // out the back-offs (10 + 20 s at least) would not.
    await writeFile(path.join(input, 'nap.cwl'), sleepingTool(25, 'docker.io/debian:stable-slim'));
    assertShorterThan(r, await run([path.join(input, 'nap.cwl')]), 'failed at once, not after pull back-offs');
  });
});

const SLOW = `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
baseCommand: [sleep, "120"]
inputs: []
outputs: []
`;

async function runningPods(cluster: ClusterUnderTest): Promise<string[]> {
  const core = cluster.admin.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace: cluster.namespace, fieldSelector: 'status.phase=Running' });
  return pods.items.map((p) => p.metadata?.name ?? '');
}

test('SIGTERM mid-run deletes every pod of the run', { timeout: 180_000 }, async () => {
  await withCluster(async ({ cluster, input, run }) => {
    await writeFile(path.join(input, 'slow.cwl'), SLOW);
    let pid = 0;
    const done = run([path.join(input, 'slow.cwl')], { onStart: (p) => { pid = p; } });
    await until('the step pod runs', async () => (await runningPods(cluster)).length === 1, 90_000);
    process.kill(pid, 'SIGTERM');
    const r = await done;
    assert.equal(r.code, 143);
    assert.match(r.stderr, /^ERROR run cancelled by SIGTERM; its step pods were deleted$/m);
    assert.doesNotMatch(r.stderr, /internal error/);
    // The engine has asked for deletion before exiting; the cluster finishes it.
    await until('no pod of the run is left', async () => (await cluster.podNames()).length === 0)
      .catch(() => assert.fail(`pods left after SIGTERM: engine said: ${r.stderr}`));
    assert.ok((r.record.requests['delete pods'] ?? 0) >= 1, 'the engine deleted its pod');
  });
});

test("step pods are owned by the engine's pod: deleting it deletes them (ownerReferences)", { timeout: 240_000 }, async () => {
  await withCluster(async ({ cluster, input, tmpout, run }) => {
    await writeFile(path.join(input, 'slow.cwl'), SLOW);
    // The engine's pod, as the platform's Job would make it: it mounts the claims; CALRISSIAN_POD_NAME names it.
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const engine = await core.createNamespacedPod({
      namespace: cluster.namespace,
      body: {
        metadata: { name: 'engine-placeholder' },
        spec: {
          restartPolicy: 'Never', terminationGracePeriodSeconds: 0,
          containers: [{
            name: 'engine', image: 'docker.io/debian:stable-slim', imagePullPolicy: 'IfNotPresent', command: ['sleep', 'infinity'],
            volumeMounts: [{ name: 'input', mountPath: input, readOnly: true }, { name: 'tmpout', mountPath: tmpout }],
          }],
          volumes: [
            { name: 'input', persistentVolumeClaim: { claimName: 'calrissian-input-data', readOnly: true } },
            { name: 'tmpout', persistentVolumeClaim: { claimName: 'calrissian-tmpout' } },
          ],
        },
      },
    });
    let pid = 0;
    const done = run([path.join(input, 'slow.cwl')], { onStart: (p) => { pid = p; }, env: { CALRISSIAN_POD_NAME: 'engine-placeholder' }, volumes: false });
    let finished = false;
    void done.finally(() => { finished = true; });
    try {
      await until('the step pod exists', async () => (await cluster.podNames()).some((n) => n.startsWith('slow-cwl-')), 90_000);
      const step = (await core.listNamespacedPod({ namespace: cluster.namespace })).items.find((p) => p.metadata?.name?.startsWith('slow-cwl-'))!;
      assert.deepEqual(step.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['Pod', 'engine-placeholder', engine.metadata?.uid]]);
      // Its mounts came from the engine's pod: the engine was given no --volume.
      assert.deepEqual(step.spec?.volumes?.map((v) => v.persistentVolumeClaim?.claimName), ['calrissian-tmpout']);
      // The engine's pod goes away (say, its node died): the garbage collector removes the step pod.
      await core.deleteNamespacedPod({ name: 'engine-placeholder', namespace: cluster.namespace, gracePeriodSeconds: 0 });
      await until('the garbage collector deleted the step pod', async () => !(await cluster.podNames()).some((n) => n.startsWith('slow-cwl-')), 120_000);
      // An engine that outlives its pod (only possible outside the cluster) sees its step's pod vanish and fails the run.
      const r = await done;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /ERROR slow\.cwl: pod slow-cwl-[0-9a-f]+ was deleted before it finished/);
    } finally {
      if (pid && !finished) process.kill(pid, 'SIGKILL');
      await done;
    }
  });
});

test('--force-docker-pull makes every pod pull its image, and a :latest image runs offline', { timeout: 180_000 }, async () => {
  await withCluster(async ({ cluster, input, run }) => {
    await writeFile(path.join(input, 'latest.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/alpine:latest}}
baseCommand: [echo, pulled]
inputs: []
outputs: {out: stdout}
`);
    for (const force of [false, true]) {
      const r = await run([...(force ? ['--force-docker-pull'] : []), path.join(input, 'latest.cwl')]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.record.pods.length, 1);
      const pod = r.record.pods[0]!;
      assert.equal(pod.spec?.containers[0]?.imagePullPolicy, force ? 'Always' : 'IfNotPresent', 'never left to the API, which would say Always for :latest');
      assert.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
      await until('the pod is gone', async () => (await cluster.podNames()).length === 0);
    }
  });
});

test('--leave-container and CALRISSIAN_DELETE_PODS=no leave finished pods for inspection', { timeout: 180_000 }, async () => {
  await withCluster(async ({ cluster, input, run }) => {
    await writeFile(path.join(input, 'wf.cwl'), SCATTER);
    await writeFile(path.join(input, 'notes.txt'), 'n');
    const byEnv = await run([path.join(input, 'wf.cwl'), '--words', 'a', '--words', 'b', '--notes', path.join(input, 'notes.txt')], { env: { CALRISSIAN_DELETE_PODS: 'NO' } });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.equal(byEnv.record.requests['delete pods'] ?? 0, 0, 'the engine deleted nothing');
    assert.deepEqual((await cluster.podNames()).sort(), byEnv.record.pods.map((p) => p.metadata!.name!).sort(), 'both pods are still there');
    const byFlag = await run(['--leave-container', path.join(input, 'wf.cwl'), '--words', 'c', '--notes', path.join(input, 'notes.txt')]);
    assert.equal(byFlag.code, 0, byFlag.stderr);
    assert.equal(byFlag.record.requests['delete pods'] ?? 0, 0);
    assert.equal((await cluster.podNames()).length, 3);
  });
});

test("without --tmpdir-prefix a step's TMPDIR is the pod's own emptyDir /tmp, and its PATH the image's", { timeout: 180_000 }, async () => {
  await withCluster(async ({ input, run }) => {
    await writeFile(path.join(input, 'env.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
baseCommand: [sh, -c, 'echo "$TMPDIR $PATH" > env.txt; touch "$TMPDIR/scratch"']
inputs: []
outputs:
  env: {type: File, outputBinding: {glob: env.txt, loadContents: true}}
`);
    const r = await run([path.join(input, 'env.cwl')], { tmpdirPrefix: false, env: { PATH: `/engine/only/bin:${process.env.PATH ?? ''}` } });
    assert.equal(r.code, 0, r.stderr);
    const [tmpdir, pathVar] = (JSON.parse(r.stdout) as { env: { contents: string } }).env.contents.trim().split(' ');
    assert.equal(tmpdir, '/tmp');
    assert.doesNotMatch(pathVar!, /engine\/only/, "the engine's PATH stays in the engine");
  });
});

test('an absolute InitialWorkDir entryname in a pod is unsupported (exit 33), and the message says what pods allow', { timeout: 180_000 }, async () => {
  await withCluster(async ({ input, run }) => {
    await writeFile(path.join(input, 'abs.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
  InitialWorkDirRequirement:
    listing: [{entryname: /etc/bespin.conf, entry: "x"}]
baseCommand: [cat, /etc/bespin.conf]
inputs: []
outputs: {}
`);
    const r = await run([path.join(input, 'abs.cwl')]);
    assert.equal(r.code, 33, r.stderr);
    assert.match(r.stderr, /^ERROR abs\.cwl: InitialWorkDirRequirement entryname '\/etc\/bespin\.conf' is an absolute path; on Kubernetes a step pod sees only its claims/m);
    assert.equal(r.record.podsCreated, 0);
  });
});

test('an engine running as root refuses to start root step pods unless --pod-allow-root says so', { timeout: 180_000, skip: process.getuid?.() !== 0 ? 'needs to run as root' : false }, async () => {
  await withCluster(async ({ input, run }) => {
    await writeFile(path.join(input, 'env.cwl'), 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: [echo]\ninputs: []\noutputs: {}\n');
    const r = await run([path.join(input, 'env.cwl')], { allowRoot: false });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ERROR the engine runs as root, and step pods run as the engine's user: .* pass --pod-allow-root/m);
    assert.equal(r.record.podsCreated, 0);
  });
});

test("a step's cwl.output.json cannot make the engine copy one of its own files (its kubeconfig) onto the claims", { timeout: 180_000 }, async () => {
  await withCluster(async ({ input, tmpout, run }) => {
    // A file only the engine has, like the kubeconfig with its token: on no claim.
    const { mkdtemp } = await import('node:fs/promises');
    const os = await import('node:os');
    const engineOnly = path.join(await mkdtemp(path.join(os.tmpdir(), 'engine-only-')), 'kubeconfig');
    await writeFile(engineOnly, 'token: engine-secret-token\n');
    await writeFile(path.join(input, 'steal.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
baseCommand: [sh, -c, 'printf "%s" "$0" > cwl.output.json']
arguments: ['{"loot": {"class": "File", "location": "file://${engineOnly}"}}']
inputs: []
outputs: {loot: File}
`);
    const r = await run([path.join(input, 'steal.cwl')]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^ERROR steal\.cwl: output 'loot': File .*kubeconfig is outside the step's output directory and its inputs/m);
    const { readdir: list, readFile: read } = await import('node:fs/promises');
    for (const f of await list(tmpout, { recursive: true })) {
      const text = await read(path.join(tmpout, f), 'utf8').catch(() => '');
      assert.doesNotMatch(text, /engine-secret-token/, `copied onto the claim: ${f}`);
    }
  });
});
