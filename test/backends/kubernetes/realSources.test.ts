import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandLineJob } from '../../../src/job/commandLineJob.js';
import type { StagingEntry } from '../../../src/job/staging.js';
import { PathMapper } from '../../../src/job/pathMapping.js';
import { withRealSources } from '../../../src/backends/kubernetes/realSources.js';
import { VolumeMap } from '../../../src/backends/kubernetes/storage.js';

async function inScratch(work: (claim: string, outside: string, volumes: VolumeMap) => Promise<void>): Promise<void> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'bespin-real-sources-')));
  const claim = path.join(root, 'claim');
  const outside = path.join(root, 'outside');
  await mkdir(path.join(claim, 'data'), { recursive: true });
  await mkdir(outside);
  try {
    await work(claim, outside, new VolumeMap([{ claim: 'tmpout', mountPath: claim, readOnly: false }]));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function job(claim: string, staging: StagingEntry[]): CommandLineJob {
  const dirs = { hostOutdir: `${claim}/out`, hostTmpdir: `${claim}/tmp`, hostStageDir: `${claim}/tmp.stage` };
  const runtime = { outdir: dirs.hostOutdir, tmpdir: dirs.hostTmpdir, cores: 1, ram: 256, outdirSize: 1, tmpdirSize: 1 };
  return {
    name: 'wf/step', argv: ['true'], words: [], shellCommand: false, env: {}, dirs, stageRoot: dirs.hostStageDir, staging, networkAccess: false, inputs: {}, resources: {},
    runtime, paths: PathMapper.forJob({ dirs, runtime, stageRoot: dirs.hostStageDir, staging }),
  };
}

test("a staged link points at its source's real path, so the pod's one mount of it does not dangle", async () => {
  await inScratch(async (claim, _outside, volumes) => {
    await writeFile(path.join(claim, 'data', 'real.txt'), 'x');
    await symlink(path.join(claim, 'data', 'real.txt'), path.join(claim, 'data', 'alias.txt'));
    const copy: StagingEntry = { kind: 'copy', source: path.join(claim, 'data', 'alias.txt'), target: `${claim}/out/c.txt` };
    const resolved = await withRealSources(job(claim, [{ kind: 'link', source: path.join(claim, 'data', 'alias.txt'), target: `${claim}/tmp.stage/stg0/a.txt`, writable: false }, copy]), volumes);
    assert.deepEqual(resolved.staging, [{ kind: 'link', source: path.join(claim, 'data', 'real.txt'), target: `${claim}/tmp.stage/stg0/a.txt`, writable: false }, copy]);
    assert.equal(resolved.paths.toHost(`${claim}/tmp.stage/stg0/a.txt`), path.join(claim, 'data', 'real.txt'), "the job's path map follows its staging");
  });
});

test('an input that leads off the claims, or is missing, is refused before anything is staged', async () => {
  await inScratch(async (claim, outside, volumes) => {
    await writeFile(path.join(outside, 'kubeconfig'), 'token');
    await symlink(path.join(outside, 'kubeconfig'), path.join(claim, 'data', 'loot'));
    for (const kind of ['link', 'copy'] as const) {
      const entry: StagingEntry = kind === 'link' ? { kind, source: path.join(claim, 'data', 'loot'), target: `${claim}/out/loot`, writable: false } : { kind, source: path.join(claim, 'data', 'loot'), target: `${claim}/out/loot` };
      await assert.rejects(withRealSources(job(claim, [entry]), volumes), {
        message: `wf/step: input ${claim}/data/loot (it resolves to ${outside}/kubeconfig) is on no mounted volume, so a pod cannot read it`,
      }, `a ${kind} the engine would make from it`);
    }
    await assert.rejects(withRealSources(job(claim, [{ kind: 'link', source: path.join(claim, 'data', 'gone'), target: `${claim}/out/gone`, writable: false }]), volumes), {
      message: `wf/step: input ${claim}/data/gone does not exist`,
    });
    const offClaim = { ...job(claim, []), dirs: { hostOutdir: `${outside}/out`, hostTmpdir: `${claim}/tmp`, hostStageDir: `${claim}/tmp.stage` } };
    await assert.rejects(withRealSources(offClaim, volumes), /is on no mounted volume, so a pod cannot see it/);
  });
});
