import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineJob, JobDirectories } from '../../../src/job/commandLineJob.js';
import type { StagingEntry } from '../../../src/job/staging.js';
import { PathMapper } from '../../../src/job/pathMapping.js';
import { podMounts, type PodStorage } from '../../../src/backends/kubernetes/podMounts.js';
import { VolumeMap } from '../../../src/backends/kubernetes/storage.js';

const IN = '/calrissian/input-data';
const TMP = '/calrissian/tmpout';
const RUN = `${TMP}/run-r1`;
const volumes = new VolumeMap([
  { claim: 'calrissian-input-data', mountPath: IN, readOnly: true },
  { claim: 'calrissian-tmpout', mountPath: TMP, readOnly: false },
]);
const storage: PodStorage = { volumes, runDirectories: [RUN] };
const DIRS: JobDirectories = { hostOutdir: `${RUN}/out1`, hostTmpdir: `${RUN}/tmp1`, hostStageDir: `${RUN}/tmp1.stage` };

function job(staging: readonly StagingEntry[], dirs: JobDirectories = DIRS): CommandLineJob {
  const runtime = { outdir: dirs.hostOutdir, tmpdir: dirs.podTmpdir ?? dirs.hostTmpdir, cores: 1, ram: 256, outdirSize: 1, tmpdirSize: 1 };
  return {
    name: 'wf/step', argv: ['true'], words: [], shellCommand: false, env: {}, dirs, runtime,
    stageRoot: dirs.hostStageDir, staging, networkAccess: false, inputs: {}, resources: {},
    paths: PathMapper.forJob({ dirs, runtime, stageRoot: dirs.hostStageDir, staging }),
  };
}

const link = (source: string, target: string, writable = false): StagingEntry => ({ kind: 'link', source, target, writable });
const stg = (n: number, name: string): string => `${DIRS.hostStageDir}/stg${n}/${name}`;

/** Each mount as `claim:subPath -> mountPath (ro|rw)`, sorted. */
function described(job: CommandLineJob, s: PodStorage = storage): string[] {
  const planned = podMounts(job, s);
  const claims = new Map(planned.volumes.map((v) => [v.name, v.persistentVolumeClaim!.claimName]));
  return planned.mounts.map((m) => `${claims.get(m.name)}:${m.subPath ?? ''} -> ${m.mountPath} (${m.readOnly ? 'ro' : 'rw'})`).sort();
}

test("a step pod mounts only its own directories read-write and each input read-only, by subPath at the engine's path", () => {
  const j = job([link(`${IN}/f0.tif`, stg(0, 'f0.tif')), link(`${IN}/sub/f1.tif`, stg(1, 'f1.tif')), link(`${RUN}/prev/out.txt`, stg(2, 'out.txt'))]);
  assert.deepEqual(described(j), [
    'calrissian-input-data:f0.tif -> /calrissian/input-data/f0.tif (ro)',
    'calrissian-input-data:sub/f1.tif -> /calrissian/input-data/sub/f1.tif (ro)',
    'calrissian-tmpout:run-r1/out1 -> /calrissian/tmpout/run-r1/out1 (rw)',
    'calrissian-tmpout:run-r1/prev/out.txt -> /calrissian/tmpout/run-r1/prev/out.txt (ro)',
    'calrissian-tmpout:run-r1/tmp1 -> /calrissian/tmpout/run-r1/tmp1 (rw)',
    'calrissian-tmpout:run-r1/tmp1.stage -> /calrissian/tmpout/run-r1/tmp1.stage (ro)',
  ]);
  const planned = podMounts(j, storage);
  assert.deepEqual(planned.volumes.map((v) => [v.persistentVolumeClaim!.claimName, v.persistentVolumeClaim!.readOnly]).sort(),
    [['calrissian-input-data', true], ['calrissian-tmpout', false]], 'one volume per claim, however many mounts');
  assert.equal(planned.widened, undefined);
});

test('a step with nothing staged mounts its output directory and tmpdir only; its own /tmp needs no claim', () => {
  assert.deepEqual(described(job([])), [
    'calrissian-tmpout:run-r1/out1 -> /calrissian/tmpout/run-r1/out1 (rw)',
    'calrissian-tmpout:run-r1/tmp1 -> /calrissian/tmpout/run-r1/tmp1 (rw)',
  ]);
  const own = { hostOutdir: `${RUN}/out1`, hostTmpdir: '/tmp/bespin-tmp-x', hostStageDir: `${RUN}/out1.stage`, podTmpdir: '/tmp' };
  assert.deepEqual(described(job([link(`${IN}/a.txt`, `${own.hostStageDir}/stg0/a.txt`)], own)), [
    'calrissian-input-data:a.txt -> /calrissian/input-data/a.txt (ro)',
    'calrissian-tmpout:run-r1/out1 -> /calrissian/tmpout/run-r1/out1 (rw)',
    'calrissian-tmpout:run-r1/out1.stage -> /calrissian/tmpout/run-r1/out1.stage (ro)',
  ]);
});

test("a File's secondaryFiles share its directory's mount only inside one job's output directory", () => {
  const j = job([
    link(`${RUN}/prev/x.bam`, stg(0, 'x.bam')), link(`${RUN}/prev/x.bam.bai`, stg(0, 'x.bam.bai')),
    link(`${IN}/y.bam`, stg(1, 'y.bam')), link(`${IN}/y.bam.bai`, stg(1, 'y.bam.bai')),
    // Two inputs from one job's directory, not a File and its secondaryFiles: mounted each.
    link(`${RUN}/other/a.txt`, stg(2, 'a.txt')), link(`${RUN}/other/b.txt`, stg(3, 'b.txt')),
  ]);
  const mounts = described(j).filter((m) => !/out1|tmp1/.test(m));
  assert.deepEqual(mounts, [
    'calrissian-input-data:y.bam -> /calrissian/input-data/y.bam (ro)',
    'calrissian-input-data:y.bam.bai -> /calrissian/input-data/y.bam.bai (ro)',
    'calrissian-tmpout:run-r1/other/a.txt -> /calrissian/tmpout/run-r1/other/a.txt (ro)',
    'calrissian-tmpout:run-r1/other/b.txt -> /calrissian/tmpout/run-r1/other/b.txt (ro)',
    'calrissian-tmpout:run-r1/prev -> /calrissian/tmpout/run-r1/prev (ro)',
  ]);
});

test('a Directory input is one read-only mount; what is inside it adds none; an in-place update is read-write; copies need no mount', () => {
  const j = job([
    link(`${RUN}/prev/dir`, stg(0, 'dir')), link(`${RUN}/prev/dir/inner.txt`, stg(1, 'inner.txt')),
    link(`${IN}/edit.txt`, `${DIRS.hostOutdir}/edit.txt`, true),
    { kind: 'copy', source: `${IN}/copied.txt`, target: `${DIRS.hostOutdir}/copied.txt` },
    { kind: 'write', contents: 'x', target: stg(2, 'literal.txt'), writable: false },
  ]);
  assert.deepEqual(described(j).filter((m) => !/out1|tmp1/.test(m)), [
    'calrissian-input-data:edit.txt -> /calrissian/input-data/edit.txt (ro)',
    'calrissian-tmpout:run-r1/prev/dir -> /calrissian/tmpout/run-r1/prev/dir (ro)',
  ], 'the input claim is read-only whatever the step asks');
  const writable = new VolumeMap([{ claim: 'data', mountPath: '/data', readOnly: false }, { claim: 'calrissian-tmpout', mountPath: TMP, readOnly: false }]);
  const inplace = job([link('/data/edit.txt', `${DIRS.hostOutdir}/edit.txt`, true)]);
  assert.ok(described(inplace, { volumes: writable, runDirectories: [RUN] }).includes('data:edit.txt -> /data/edit.txt (rw)'));
});

test("above the bound, the run's own directory on the claim is mounted read-only instead of each input, never the claim root", () => {
  const many = Array.from({ length: 200 }, (_, i) => link(`${RUN}/job${i}/out.txt`, stg(i, 'out.txt')));
  const j = job([...many, link(`${IN}/a.txt`, stg(999, 'a.txt'))]);
  assert.deepEqual(described(j), [
    'calrissian-input-data:a.txt -> /calrissian/input-data/a.txt (ro)',
    'calrissian-tmpout:run-r1 -> /calrissian/tmpout/run-r1 (ro)',
    'calrissian-tmpout:run-r1/out1 -> /calrissian/tmpout/run-r1/out1 (rw)',
    'calrissian-tmpout:run-r1/tmp1 -> /calrissian/tmpout/run-r1/tmp1 (rw)',
  ]);
  assert.deepEqual(podMounts(j, storage).widened, { mounts: 204, directories: [RUN] });
  assert.equal(described(job(many.slice(0, 120))).length, 123, 'below the bound every input is its own mount');
  assert.deepEqual(podMounts(job(many.slice(0, 4)), { ...storage, maxMounts: 3 }).widened, { mounts: 7, directories: [RUN] }, 'the bound is a parameter');
  // Job directories straight in the claim's root (no run directory): the bound never widens to the root.
  const flat = job(Array.from({ length: 200 }, (_, i) => link(`${TMP}/job${i}/out.txt`, stg(i, 'out.txt'))), { hostOutdir: `${TMP}/out1`, hostTmpdir: `${TMP}/tmp1`, hostStageDir: `${TMP}/tmp1.stage` });
  const flatMounts = described(flat, { volumes, runDirectories: [] });
  assert.equal(flatMounts.length, 203);
  assert.ok(!flatMounts.some((m) => m.startsWith('calrissian-tmpout: ->')), 'never the whole claim');
});

test('a run directory on another claim, or a path on no claim, adds nothing', () => {
  const j = job([link('/elsewhere/x.txt', stg(0, 'x.txt'))]);
  assert.deepEqual(described(j, { volumes, runDirectories: [RUN, '/elsewhere'] }), [
    'calrissian-tmpout:run-r1/out1 -> /calrissian/tmpout/run-r1/out1 (rw)',
    'calrissian-tmpout:run-r1/tmp1 -> /calrissian/tmpout/run-r1/tmp1 (rw)',
    'calrissian-tmpout:run-r1/tmp1.stage -> /calrissian/tmpout/run-r1/tmp1.stage (ro)',
  ]);
});
