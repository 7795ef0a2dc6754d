import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineJob } from '../../../src/job/commandLineJob.js';
import { PathMapper } from '../../../src/job/pathMapping.js';
import { buildPodSpec, redirectingScript, RUN_LABEL, type PodOptions } from '../../../src/backends/kubernetes/podSpec.js';
import { podName, labelValue } from '../../../src/backends/kubernetes/names.js';
import { VolumeMap } from '../../../src/backends/kubernetes/storage.js';
import { podMounts } from '../../../src/backends/kubernetes/podMounts.js';

const options: PodOptions = {
  namespace: 'ns', runId: 'run1', labels: { team: 'eo' }, env: { FROM_FILE: '1' }, nodeSelector: { disk: 'ssd' },
  networkAccessLabels: { net: 'on' }, noNetworkAccessLabels: { net: 'off' }, envFromSecrets: ['creds'], envFromConfigMaps: [],
  imagePullSecrets: ['regcred'], runAsUser: 1000, runAsGroup: 0, owner: { name: 'engine', uid: 'u-1' }, defaultImage: 'debian',
  imagePullPolicy: 'IfNotPresent',
};

const volumes = new VolumeMap([
  { claim: 'calrissian-input-data', mountPath: '/calrissian/input-data', readOnly: true },
  { claim: 'calrissian-tmpout', mountPath: '/calrissian/tmpout', readOnly: false },
]);
const storage = { volumes, runDirectories: [] };

function job(overrides: Partial<Omit<CommandLineJob, 'paths'>> = {}): CommandLineJob {
  const inputs = Array.from({ length: 50 }, (_, i) => ({ kind: 'link' as const, source: `/calrissian/input-data/f${i}.tif`, target: `/calrissian/tmpout/stage/stg${i}/f${i}.tif`, writable: false }));
  const built = {
    name: 'wf/ndvi', argv: ['gdal_calc.py', '--calc', 'A*2', 'out file.tif'], words: [], shellCommand: false, stdout: 'log.txt',
    env: { HOME: '/calrissian/tmpout/out1', TMPDIR: '/calrissian/tmpout/tmp1' },
    dirs: { hostOutdir: '/calrissian/tmpout/out1', hostTmpdir: '/calrissian/tmpout/tmp1', hostStageDir: '/calrissian/tmpout/stage' },
    runtime: { outdir: '/calrissian/tmpout/out1', tmpdir: '/calrissian/tmpout/tmp1', cores: 1, ram: 256, outdirSize: 1, tmpdirSize: 1 },
    stageRoot: '/calrissian/tmpout/stage', staging: inputs, container: { image: 'eo/tool:1', requirement: {}, required: true }, networkAccess: false, timeLimitSeconds: 30.5,
    inputs: {}, resources: { coresMin: 0.5, coresMax: 2, ramMin: 512, ramMax: 1024, gpus: 1 },
    ...overrides,
  };
  return { ...built, paths: PathMapper.forJob(built) };
}

test('pod names are DNS-1123 labels of at most 63 characters', () => {
  const name = podName('Main/Step_With.Very-LONG name that goes on and on and on and on and on', 'abc123');
  assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.ok(name.length <= 63);
  assert.ok(name.endsWith('-abc123'));
  assert.equal(labelValue('wf/step[3]'), 'wf-step-3');
});

test('each claim is one volume however many inputs; each input its own read-only subPath mount at its own path', () => {
  const pod = buildPodSpec(job(), 'ndvi-1', 'wf/ndvi', job().resources, podMounts(job(), storage), options);
  const mounts = pod.spec!.containers[0]!.volumeMounts!;
  assert.deepEqual(pod.spec!.volumes!.map((v) => v.persistentVolumeClaim!.claimName).sort(), ['calrissian-input-data', 'calrissian-tmpout']);
  assert.equal(mounts.length, 53, 'fifty inputs, the output directory, the tmpdir and the staging directory');
  for (const m of mounts) assert.notEqual(m.subPath, undefined, `${m.mountPath} is not a whole claim`);
  const input = mounts.find((m) => m.mountPath === '/calrissian/input-data/f7.tif')!;
  assert.deepEqual([input.subPath, input.readOnly], ['f7.tif', true]);
  const outdir = mounts.find((m) => m.mountPath === '/calrissian/tmpout/out1')!;
  assert.deepEqual([outdir.subPath, outdir.readOnly], ['out1', false]);
});

test('the pod carries labels, resources, deadline, identity and owner', () => {
  const pod = buildPodSpec(job(), 'ndvi-1', 'wf/ndvi', job().resources, podMounts(job(), storage), options);
  assert.equal(pod.metadata!.labels![RUN_LABEL], 'run1');
  assert.equal(pod.metadata!.labels!.net, 'off');
  assert.equal(pod.metadata!.labels!.team, 'eo');
  const c = pod.spec!.containers[0]!;
  assert.equal(c.image, 'eo/tool:1');
  assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '512Mi', 'nvidia.com/gpu': '1' }, limits: { cpu: '2', memory: '1024Mi', 'nvidia.com/gpu': '1' } });
  assert.equal(pod.spec!.activeDeadlineSeconds, 31);
  assert.equal(pod.spec!.restartPolicy, 'Never');
  assert.deepEqual(pod.spec!.nodeSelector, { disk: 'ssd' });
  assert.deepEqual(pod.spec!.imagePullSecrets, [{ name: 'regcred' }]);
  assert.deepEqual(pod.spec!.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 0 });
  assert.equal(pod.metadata!.ownerReferences![0]!.uid, 'u-1');
  assert.deepEqual(c.envFrom, [{ secretRef: { name: 'creds' } }]);
  assert.ok(c.env!.some((e) => e.name === 'HOME' && e.value === '/calrissian/tmpout/out1'));
  assert.ok(c.env!.some((e) => e.name === 'FROM_FILE'));
  assert.equal(c.workingDir, '/calrissian/tmpout/out1');
});

test('the command redirects stdout and keeps arguments intact', () => {
  assert.equal(redirectingScript(job()), "exec gdal_calc.py --calc 'A*2' 'out file.tif' > /calrissian/tmpout/out1/log.txt");
  const shell = job({ argv: ['/bin/sh', '-c', 'echo a | wc -l'], stdout: undefined });
  assert.equal(redirectingScript(shell), "/bin/sh -c 'echo a | wc -l'");
});

test('standard input comes through a pipe, as under docker run -i, not as a redirected regular file', () => {
  const fed = job({ argv: ['wc'], stdin: '/calrissian/input-data/whale.txt', stdout: 'output' });
  assert.equal(redirectingScript(fed), 'cat /calrissian/input-data/whale.txt | exec wc > /calrissian/tmpout/out1/output');
});

test('the pull policy is always explicit: a :latest image is not pulled when present, unless pulls are forced', () => {
  const latest = job({ container: { image: 'docker.io/alpine:latest', requirement: {}, required: true } });
  const pod = buildPodSpec(latest, 'p', 'wf/step', latest.resources, podMounts(job(), storage), options);
  assert.equal(pod.spec!.containers[0]!.imagePullPolicy, 'IfNotPresent');
  const forced = buildPodSpec(latest, 'p', 'wf/step', latest.resources, podMounts(job(), storage), { ...options, imagePullPolicy: 'Always' });
  assert.equal(forced.spec!.containers[0]!.imagePullPolicy, 'Always');
});

test('a step pod gets no service account token unless --pod-serviceaccount names one', () => {
  const plain = buildPodSpec(job(), 'p', 'wf/step', job().resources, podMounts(job(), storage), options);
  assert.equal(plain.spec!.automountServiceAccountToken, false);
  assert.equal(plain.spec!.serviceAccountName, undefined);
  const named = buildPodSpec(job(), 'p', 'wf/step', job().resources, podMounts(job(), storage), { ...options, serviceAccountName: 'tools' });
  assert.equal(named.spec!.serviceAccountName, 'tools');
  assert.equal(named.spec!.automountServiceAccountToken, undefined, 'the named account decides');
});

test("a tool that states no resources gets CWL's defaults as requests (never BestEffort) and no limits", () => {
  const pod = buildPodSpec(job({ resources: {} }), 'p', 'wf/ndvi', {}, podMounts(job(), storage), options);
  assert.deepEqual(pod.spec!.containers[0]!.resources, { requests: { cpu: '1', memory: '256Mi' } });
  const onlyMax = buildPodSpec(job(), 'p', 'wf/ndvi', { coresMax: 4, ramMax: 2048 }, podMounts(job(), storage), options);
  assert.deepEqual(onlyMax.spec!.containers[0]!.resources, { requests: { cpu: '4', memory: '2048Mi' }, limits: { cpu: '4', memory: '2048Mi' } });
});

test('scratch space on no claim is an emptyDir at /tmp in the pod, and the claims hold only the output directory', () => {
  const j = job({
    dirs: { hostOutdir: '/calrissian/tmpout/out1', hostTmpdir: '/tmp/bespin-tmp-x', hostStageDir: '/calrissian/tmpout/out1.stage', podTmpdir: '/tmp' },
    env: { HOME: '/calrissian/tmpout/out1', TMPDIR: '/tmp' },
  });
  const pod = buildPodSpec(j, 'p', 'wf/ndvi', j.resources, podMounts(j, storage), options);
  const c = pod.spec!.containers[0]!;
  assert.deepEqual(c.volumeMounts!.find((m) => m.mountPath === '/tmp'), { name: 'tmpdir', mountPath: '/tmp' });
  assert.deepEqual(pod.spec!.volumes!.find((v) => v.name === 'tmpdir'), { name: 'tmpdir', emptyDir: {} });
  assert.deepEqual(c.env!.filter((e) => ['HOME', 'TMPDIR', 'PATH'].includes(e.name)), [
    { name: 'HOME', value: '/calrissian/tmpout/out1' }, { name: 'TMPDIR', value: '/tmp' },
  ], "HOME is the output directory, TMPDIR the pod's own, PATH the image's");
});

test('step pods are hardened: no privilege escalation, no capabilities, the default seccomp profile, never root unless allowed', () => {
  const pod = buildPodSpec(job(), 'p', 'wf/ndvi', job().resources, podMounts(job(), storage), options);
  assert.deepEqual(pod.spec!.containers[0]!.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
  assert.equal(pod.spec!.securityContext!.runAsNonRoot, true);
  const root = buildPodSpec(job(), 'p', 'wf/ndvi', job().resources, podMounts(job(), storage), { ...options, runAsUser: 0, allowRoot: true });
  assert.equal(root.spec!.securityContext!.runAsNonRoot, undefined, '--pod-allow-root');
  assert.deepEqual(root.spec!.containers[0]!.securityContext, { allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } }, "an allowed root pod keeps the runtime's default capabilities");
});

test("the operator's --pod-env-vars come after the document's environment, as in Calrissian", () => {
  const pod = buildPodSpec(job({ env: { HOME: '/o', AWS_REGION: 'from-document', FROM_FILE: 'from-document' } }), 'p', 'wf/ndvi', job().resources, podMounts(job(), storage), options);
  const env = Object.fromEntries(pod.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));
  assert.equal(env.FROM_FILE, '1', 'the operator wins');
  assert.equal(env.AWS_REGION, 'from-document');
});

test('--pods-on-engine-node: a required node affinity on the engine pod\'s node name, never spec.nodeName (the scheduler still checks room)', () => {
  const pod = buildPodSpec(job(), 'p', 'wf/ndvi', job().resources, podMounts(job(), storage), { ...options, engineNode: 'node-7' });
  assert.deepEqual(pod.spec!.affinity, {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }] } },
  });
  assert.equal(pod.spec!.nodeName, undefined);
  assert.deepEqual(pod.spec!.nodeSelector, { disk: 'ssd' }, '--pod-nodeselectors still apply');
  const anywhere = buildPodSpec(job(), 'p', 'wf/ndvi', job().resources, podMounts(job(), storage), options);
  assert.equal(anywhere.spec!.affinity, undefined, 'without the option the scheduler may choose any node');
});
