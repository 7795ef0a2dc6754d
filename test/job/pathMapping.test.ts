import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputStaging } from '../../src/job/inputStaging.js';
import { PathMapper, type JobLayout } from '../../src/job/pathMapping.js';
import type { StagingEntry } from '../../src/job/staging.js';
import { stageForContainer } from '../../src/backends/host/hostStaging.js';

const file = (p: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({ class: 'File', location: `file://${p}`, basename: path.basename(p), ...more });

/** A job object with an input file and its secondaryFile, a Directory with a listing, and a File and a Directory literal. */
const inputs: Record<string, Record<string, unknown>> = {
  reads: file('/data/a.bam', { secondaryFiles: [file('/data/a.bai')] }),
  ref: { class: 'Directory', location: 'file:///data/ref', basename: 'ref', listing: [file('/data/ref/x.fa')] },
  note: { class: 'File', basename: 'note.txt', contents: 'hi' },
  empty: { class: 'Directory', basename: 'empty', listing: [] },
};

/** The job's staging plan as job building makes it: the inputs, then InitialWorkDir entries. */
function layout(hostStageDir: string, own: boolean): JobLayout & { mapped: Record<string, Record<string, unknown>> } {
  const outdir = own ? '/var/spool/cwl' : '/h/out';
  const stageRoot = own ? '/var/lib/cwl' : hostStageDir;
  const staging = new InputStaging(stageRoot);
  const mapped = staging.mapValue(inputs);
  const iwd: StagingEntry[] = [
    { kind: 'link', source: '/data/conf.txt', target: `${outdir}/conf.txt`, writable: false },
    { kind: 'write', contents: 'echo', target: `${outdir}/script.sh`, writable: false },
    ...(own ? [{ kind: 'write' as const, contents: '{}', target: '/opt/settings.json', writable: false }] : []),
  ];
  return {
    dirs: { hostOutdir: '/h/out', hostTmpdir: '/h/tmp', hostStageDir },
    runtime: { outdir, tmpdir: own ? '/tmp' : '/h/tmp' },
    stageRoot,
    staging: [...staging.entries, ...iwd],
    mapped,
  };
}

/** Host paths the process can see: each kind of staged entry, the job's directories, and what is under no mount. */
const HOST_PATHS = [
  '/data/a.bam', '/data/a.bai', '/data/ref', '/data/ref/x.fa', '/data/conf.txt',
  '/h/out', '/h/out/result.txt', '/h/tmp', '/h/tmp/scratch/t', '/h/stage', '/h/stage/stg7/other',
  '/elsewhere/file.txt', '/',
];

test('in a container with its own paths, every host path maps in and back to itself', () => {
  const job = layout('/h/stage', true);
  const paths = PathMapper.forJob(job);
  for (const p of [...HOST_PATHS, '/h/stage/entries/opt/settings.json']) assert.equal(paths.toHost(paths.toInner(p)), p, p);
  assert.equal(paths.toInner('/data/a.bam'), job.mapped.reads!.path);
  assert.equal(paths.toInner('/data/a.bai'), '/var/lib/cwl/stg0/a.bai', 'a secondaryFile is beside its primary');
  assert.equal(paths.toInner('/data/ref/x.fa'), '/var/lib/cwl/stg1/ref/x.fa');
  assert.equal(paths.toInner('/data/conf.txt'), '/var/spool/cwl/conf.txt');
  assert.equal(paths.toInner('/h/out/result.txt'), '/var/spool/cwl/result.txt');
  assert.equal(paths.toInner('/h/tmp/scratch/t'), '/tmp/scratch/t');
  assert.equal(paths.toInner('/h/stage/entries/opt/settings.json'), '/opt/settings.json');
  assert.equal(paths.toInner('/elsewhere/file.txt'), '/elsewhere/file.txt');
});

test('in a container, every path the process sees maps out and back to itself', () => {
  const job = layout('/h/stage', true);
  const paths = PathMapper.forJob(job);
  const inner = [
    job.mapped.reads!.path as string, '/var/lib/cwl/stg0/a.bai', '/var/lib/cwl/stg1/ref/x.fa', job.mapped.note!.path as string,
    `${job.mapped.empty!.path as string}/made-later`, '/var/spool/cwl/conf.txt', '/var/spool/cwl/out.txt', '/tmp/t', '/opt/settings.json', '/usr/bin/env',
  ];
  for (const p of inner) assert.equal(paths.toInner(paths.toHost(p)), p, p);
  assert.equal(paths.toHost('/var/spool/cwl/script.sh'), '/h/out/script.sh', 'an entry made in the output directory is there on the host');
  assert.equal(paths.toHost(job.mapped.note!.path as string), '/h/stage/entries/var/lib/cwl/stg2/note.txt');
});

test('for a process on the host, staged inputs map to their sources and the job directories to themselves', () => {
  const job = layout('/h/stage', false);
  const paths = PathMapper.forJob(job);
  for (const p of HOST_PATHS) assert.equal(paths.toHost(paths.toInner(p)), p, p);
  assert.equal(paths.toInner('/data/a.bam'), '/h/stage/stg0/a.bam');
  assert.equal(paths.toInner('/h/out/result.txt'), '/h/out/result.txt');
  assert.equal(paths.toHost('/h/stage/stg1/ref/x.fa'), '/data/ref/x.fa');
  assert.equal(paths.toHost(job.mapped.note!.path as string), job.mapped.note!.path, 'a literal is written where the process sees it');
});

test('toHostValue gives every File, nested ones too, its host path and location', () => {
  const job = layout('/h/stage', true);
  const host = PathMapper.forJob(job).toHostValue(job.mapped);
  assert.equal(host.reads!.path, '/data/a.bam');
  assert.equal((host.reads!.secondaryFiles as Record<string, unknown>[])[0]!.location, 'file:///data/a.bai');
  assert.equal((host.ref!.listing as Record<string, unknown>[])[0]!.path, '/data/ref/x.fa');
});

test('a container job finds what staging made at the host path the mapper gives', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-paths-'));
  const job = layout(path.join(root, 'stage'), true);
  const dirs = { hostOutdir: path.join(root, 'out'), hostStageDir: job.dirs.hostStageDir };
  await mkdir(dirs.hostOutdir); // as the engine makes it before staging
  const paths = PathMapper.forJob({ ...job, dirs: { ...job.dirs, ...dirs } });
  await stageForContainer(paths.placed, dirs);
  const mounts = paths.mounts;
  const settings = mounts.find((m) => m.target === '/opt/settings.json');
  assert.equal(settings?.source, paths.toHost('/opt/settings.json'));
  assert.equal(await readFile(settings!.source, 'utf8'), '{}');
  assert.equal(await readFile(paths.toHost(job.mapped.note!.path as string), 'utf8'), 'hi');
  assert.equal(await readFile(path.join(root, 'out', 'script.sh'), 'utf8'), 'echo');
  assert.equal(mounts.some((m) => m.target === '/var/spool/cwl/script.sh'), false, 'entries in the output directory are made there, not mounted');
});
