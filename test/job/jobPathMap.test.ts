/**
 * A job's path map is built once, with the job, and is what both ends read:
 * Docker mounts what it lists (and staging makes what it places), and
 * collecting outputs maps the container's paths back to the host through
 * it. No container runs here: the job is built, staged as Docker stages it,
 * and its outputs collected from a cwl.output.json a tool could have written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandLineTool, Requirement } from '../../src/model/types.js';
import { RequirementSet } from '../../src/model/requirements.js';
import { ExpressionEngine } from '../../src/expressions/index.js';
import { buildCommandLineJob, type CommandLineJob } from '../../src/job/commandLineJob.js';
import { stageForContainer } from '../../src/backends/host/hostStaging.js';
import { dockerRunArguments, jobRunInput, mountOption } from '../../src/backends/docker/runArguments.js';
import { toolOutputs } from '../../src/collect/toolOutputs.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';

const IMAGE = 'docker.io/debian:stable-slim';

const requirements: Requirement[] = [
  { class: 'DockerRequirement', dockerPull: IMAGE },
  {
    class: 'InitialWorkDirRequirement',
    listing: [
      { entryname: 'conf.txt', entry: '$(inputs.conf)' },
      { entryname: 'script.sh', entry: 'echo hi' },
      { entryname: '/opt/settings.json', entry: '{"threads": 2}' },
      { entryname: 'work', entry: '$(inputs.ref)', writable: true },
    ],
  },
];

const tool: CommandLineTool = {
  class: 'CommandLineTool', id: 'file:///tools/align.cwl', baseUri: 'file:///tools/align.cwl', cwlVersion: 'v1.2', originalVersion: 'v1.2',
  inputs: [
    { id: 'reads', type: 'File', secondaryFiles: [{ pattern: '.bai', required: true }] },
    { id: 'ref', type: 'Directory' },
    { id: 'conf', type: 'File' },
  ],
  outputs: ['reads', 'ref', 'work', 'conf', 'settings', 'result'].map((id) => ({ id, type: id === 'ref' || id === 'work' ? 'Directory' : 'File' })),
  requirements, hints: [], namespaces: {}, schemas: [],
  baseCommand: ['sh', 'script.sh'], arguments: [], successCodes: [0], temporaryFailCodes: [], permanentFailCodes: [],
};

const fileAt = (p: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({ class: 'File', location: `file://${p}`, basename: path.basename(p), ...more });

/** The job as the engine builds it for Docker, in a scratch directory holding its inputs and its directories. */
async function builtJob(root: string, engine: ExpressionEngine): Promise<{ job: CommandLineJob; inputs: Record<string, unknown> }> {
  const data = path.join(root, 'data');
  await mkdir(path.join(data, 'ref'), { recursive: true });
  for (const [name, text] of [['a.bam', 'reads'], ['a.bam.bai', 'index'], ['ref/x.fa', '>x'], ['conf.txt', 'k=v']]) await writeFile(path.join(data, name!), text!);
  const inputs = {
    reads: fileAt(path.join(data, 'a.bam'), { secondaryFiles: [fileAt(path.join(data, 'a.bam.bai'))] }),
    ref: { class: 'Directory', location: `file://${data}/ref`, basename: 'ref', listing: [fileAt(path.join(data, 'ref', 'x.fa'))] },
    conf: fileAt(path.join(data, 'conf.txt')),
  };
  const dirs = { hostOutdir: path.join(root, 'out'), hostTmpdir: path.join(root, 'tmp'), hostStageDir: path.join(root, 'tmp.stage') };
  // As the engine makes them before the job is built.
  await mkdir(dirs.hostOutdir);
  await mkdir(dirs.hostTmpdir);
  const job = await buildCommandLineJob(tool, inputs, new RequirementSet(requirements, []), engine, {
    dirs, useContainer: true, name: 'align', containerPaths: true,
    resources: { cores: 1, ram: 256, outdirSize: 1024, tmpdirSize: 1024, bounds: {} },
  });
  return { job, inputs };
}

async function inScratch(work: (root: string, engine: ExpressionEngine) => Promise<void>): Promise<void> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'bespin-job-paths-')));
  const engine = new ExpressionEngine({ javascript: false });
  try {
    await work(root, engine);
  } finally {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  }
}

test("Docker mounts what the job's path map lists: inputs, secondaryFiles, a Directory and InitialWorkDir entries", async () => {
  await inScratch(async (root, engine) => {
    const { job } = await builtJob(root, engine);
    const described = job.paths.mounts.map((m) => `${m.source} -> ${m.target} (${m.readonly ? 'ro' : 'rw'})`);
    assert.deepEqual(described, [
      `${root}/out -> /var/spool/cwl (rw)`,
      `${root}/tmp -> /tmp (rw)`,
      `${root}/data/a.bam -> /var/lib/cwl/stg0/a.bam (ro)`,
      `${root}/data/a.bam.bai -> /var/lib/cwl/stg0/a.bam.bai (ro)`,
      `${root}/data/ref -> /var/lib/cwl/stg1/ref (ro)`,
      `${root}/data/conf.txt -> /var/lib/cwl/stg2/conf.txt (ro)`,
      `${root}/data/conf.txt -> /var/spool/cwl/conf.txt (ro)`,
      `${root}/tmp.stage/entries/opt/settings.json -> /opt/settings.json (ro)`,
    ]);
    const args = dockerRunArguments(jobRunInput(job, IMAGE, { name: 'bespin-test', user: '1000:1000', leaveContainer: false }));
    assert.deepEqual(args.filter((a) => a.startsWith('--mount=')), job.paths.mounts.map((m) => mountOption(m, job.name)));

    // Staging makes what the map places, where the map says: the mount sources exist, the output directory's entries are in it.
    await stageForContainer(job.paths.placed, job.dirs);
    assert.equal(await readFile(`${root}/tmp.stage/entries/opt/settings.json`, 'utf8'), '{"threads": 2}');
    assert.equal(await readFile(`${root}/out/script.sh`, 'utf8'), 'echo hi');
    assert.equal(await readFile(`${root}/out/work/x.fa`, 'utf8'), '>x', 'a writable Directory is copied into the output directory');
    for (const m of job.paths.mounts.slice(2)) assert.equal(job.paths.toHost(m.target), m.source, `${m.target} maps back to what is mounted there`);
  });
});

test("collecting outputs maps the container's paths back to the host through the same map", async () => {
  await inScratch(async (root, engine) => {
    const { job, inputs } = await builtJob(root, engine);
    await stageForContainer(job.paths.placed, job.dirs);
    // What the tool would leave: a file of its own, and an output object naming paths as it saw them.
    await writeFile(`${root}/out/result.txt`, 'aligned');
    const named = (p: string): Record<string, unknown> => ({ class: 'File', location: `file://${p}` });
    await writeFile(`${root}/out/cwl.output.json`, JSON.stringify({
      reads: { ...named('/var/lib/cwl/stg0/a.bam'), secondaryFiles: [named('/var/lib/cwl/stg0/a.bam.bai')] },
      ref: { class: 'Directory', location: 'file:///var/lib/cwl/stg1/ref' },
      work: { class: 'Directory', location: 'work' },
      conf: named('/var/spool/cwl/conf.txt'),
      settings: named('/opt/settings.json'),
      result: { class: 'File', location: 'result.txt' },
    }));
    const out = await toolOutputs(DEFAULT_LIMITS).commandLineTool({ tool, built: job, exitCode: 0, engine, listing: 'no_listing', inputs }) as Record<string, Record<string, unknown>>;
    assert.equal(out.reads!.path, `${root}/data/a.bam`);
    assert.equal((out.reads!.secondaryFiles as Record<string, unknown>[])[0]!.path, `${root}/data/a.bam.bai`);
    assert.equal(out.ref!.path, `${root}/data/ref`);
    assert.equal(out.conf!.path, `${root}/data/conf.txt`);
    assert.equal(out.settings!.path, `${root}/tmp.stage/entries/opt/settings.json`);
    assert.equal(out.result!.path, `${root}/out/result.txt`);
    assert.equal(out.work!.path, `${root}/out/work`, 'a writable Directory is its copy in the output directory');
    // Every path collect gave is the one the job's map gives: nothing derives the map again.
    const inner = { reads: '/var/lib/cwl/stg0/a.bam', ref: '/var/lib/cwl/stg1/ref', conf: '/var/spool/cwl/conf.txt', settings: '/opt/settings.json', result: '/var/spool/cwl/result.txt' };
    for (const [id, p] of Object.entries(inner)) {
      assert.equal(out[id]!.path, job.paths.toHost(p), id);
    }
  });
});
