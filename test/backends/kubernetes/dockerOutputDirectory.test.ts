/**
 * DockerRequirement's dockerOutputDirectory in a step pod: the tool sees its
 * output directory (runtime.outdir, HOME, the working directory) at the path
 * it chose, through a second mount of the job's output directory's subPath,
 * and the engine stages into and collects from its own path on the claim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineTool, Requirement } from '../../../src/model/types.js';
import { RequirementSet } from '../../../src/model/requirements.js';
import { ExpressionEngine } from '../../../src/expressions/index.js';
import { buildCommandLineJob, type CommandLineJob, type JobDirectories } from '../../../src/job/commandLineJob.js';
import { UnsupportedRequirementError, ValidationError } from '../../../src/errors.js';
import { buildPodSpec, type PodOptions } from '../../../src/backends/kubernetes/podSpec.js';
import { podMounts } from '../../../src/backends/kubernetes/podMounts.js';
import { stagedOnClaims } from '../../../src/backends/kubernetes/realSources.js';
import { VolumeMap } from '../../../src/backends/kubernetes/storage.js';

const TMP = '/calrissian/tmpout';
const DIRS: JobDirectories = { hostOutdir: `${TMP}/run-r1/out1`, hostTmpdir: `${TMP}/run-r1/tmp1`, hostStageDir: `${TMP}/run-r1/tmp1.stage` };
const storage = {
  volumes: new VolumeMap([
    { claim: 'calrissian-input-data', mountPath: '/calrissian/input-data', readOnly: true },
    { claim: 'calrissian-tmpout', mountPath: TMP, readOnly: false },
  ]),
  runDirectories: [`${TMP}/run-r1`],
};
const options: PodOptions = {
  namespace: 'ns', runId: 'r1', labels: {}, env: {}, nodeSelector: {}, networkAccessLabels: {}, noNetworkAccessLabels: {},
  envFromSecrets: [], envFromConfigMaps: [], imagePullSecrets: [], defaultImage: 'debian', imagePullPolicy: 'IfNotPresent',
};

function tool(outdir: string | undefined): CommandLineTool {
  const requirements: Requirement[] = [
    { class: 'DockerRequirement', dockerPull: 'docker.io/debian:stable-slim', ...(outdir !== undefined ? { dockerOutputDirectory: outdir } : {}) },
    { class: 'InitialWorkDirRequirement', listing: [{ entryname: 'conf.txt', entry: 'k=v' }] },
  ];
  return {
    class: 'CommandLineTool', id: 'file:///t/tool.cwl', baseUri: 'file:///t/tool.cwl', cwlVersion: 'v1.2', originalVersion: 'v1.2',
    inputs: [], outputs: [{ id: 'thing', type: 'File', outputBinding: { glob: 'thing' } }], stdout: 'log.txt',
    requirements, hints: [], namespaces: {}, schemas: [],
    baseCommand: ['touch', '/other/thing'], arguments: [], successCodes: [0], temporaryFailCodes: [], permanentFailCodes: [],
  } as CommandLineTool;
}

/** The job as the Kubernetes backend has it built: the engine's paths, the container's image. */
async function podJob(outdir: string | undefined, dirs: JobDirectories = DIRS): Promise<CommandLineJob> {
  const engine = new ExpressionEngine({ javascript: false });
  try {
    const t = tool(outdir);
    return await buildCommandLineJob(t, {}, new RequirementSet(t.requirements, []), engine, {
      dirs, useContainer: true, name: 'wf/touch', containerPaths: false,
      resources: { cores: 1, ram: 256, outdirSize: 1024, tmpdirSize: 1024, bounds: {} },
    });
  } finally {
    await engine.close();
  }
}

test('dockerOutputDirectory: the tool sees its output directory there (a second mount of its subPath); the engine keeps its own path', async () => {
  const job = await podJob('/other');
  assert.equal(job.runtime.outdir, '/other');
  assert.equal(job.env.HOME, '/other');
  assert.equal(job.runtime.tmpdir, DIRS.hostTmpdir, 'tmpdir and staging stay at the engine\'s paths');
  const pod = buildPodSpec(job, 'p', 'wf/touch', job.resources, podMounts(job, storage), options);
  const c = pod.spec!.containers[0]!;
  assert.equal(c.workingDir, '/other');
  assert.match(c.command![2]!, /> '?\/other\/log\.txt'?$/, 'stdout goes to the chosen directory');
  const mounts = c.volumeMounts!.filter((m) => m.subPath === 'run-r1/out1');
  assert.deepEqual(mounts.map((m) => [m.mountPath, m.readOnly]).sort(), [[DIRS.hostOutdir, false], ['/other', false]]);
  assert.equal(new Set(mounts.map((m) => m.name)).size, 1, 'both are the one claim volume');
  // What the tool writes at /other is collected from the engine's path; InitialWorkDir entries are made there.
  assert.equal(job.paths.toHost('/other/thing'), `${DIRS.hostOutdir}/thing`);
  assert.deepEqual(stagedOnClaims(job).map((e) => e.target), [`${DIRS.hostOutdir}/conf.txt`]);
  assert.deepEqual(job.staging.map((e) => e.target), ['/other/conf.txt'], 'the job itself names the path the tool sees');
});

test('without dockerOutputDirectory a pod has one mount of its output directory, at the engine\'s path', async () => {
  const job = await podJob(undefined);
  assert.equal(job.runtime.outdir, DIRS.hostOutdir);
  const mounts = podMounts(job, storage).mounts.filter((m) => m.subPath === 'run-r1/out1');
  assert.deepEqual(mounts.map((m) => m.mountPath), [DIRS.hostOutdir]);
  assert.deepEqual(stagedOnClaims(job), job.staging);
});

test("a dockerOutputDirectory that would hide or sit in the engine's paths is refused (exit 33); a malformed one is invalid", async () => {
  for (const [outdir, how] of [[TMP, `is ${TMP}`], ['/calrissian', 'contains /calrissian/input-data'], [`${TMP}/run-r1/elsewhere`, `is inside ${TMP}`]] as const) {
    const job = await podJob(outdir);
    assert.throws(() => podMounts(job, storage), (e: unknown) => e instanceof UnsupportedRequirementError
      && e.message.startsWith(`wf/touch: DockerRequirement dockerOutputDirectory '${outdir}' cannot be mounted in a step pod: it ${how}`), outdir);
  }
  const ownTmp = await podJob('/tmp/out', { hostOutdir: `${TMP}/out1`, hostTmpdir: '/tmp/x', hostStageDir: `${TMP}/out1.stage`, podTmpdir: '/tmp' });
  assert.throws(() => podMounts(ownTmp, storage), /dockerOutputDirectory '\/tmp\/out' cannot be mounted in a step pod: it is inside \/tmp/);
  const relative = await podJob('other');
  assert.throws(() => podMounts(relative, storage), (e: unknown) => e instanceof ValidationError && !(e instanceof UnsupportedRequirementError) && /'other' must be an absolute path/.test(e.message));
});
