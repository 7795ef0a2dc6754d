import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, symlink, writeFile, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { relocateOutputs } from '../../src/collect/relocate.js';
import { pathToUri } from '../../src/files/uri.js';

const file = (p: string): Record<string, unknown> => ({ class: 'File', location: pathToUri(p), basename: path.basename(p) });

test('move mode moves what a job wrote and copies everything else', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-relocate-'));
  const jobOut = path.join(root, 'job-out');
  const inputs = path.join(root, 'inputs');
  await mkdir(jobOut);
  await mkdir(inputs);
  await writeFile(path.join(jobOut, 'made.txt'), 'made');
  await writeFile(path.join(inputs, 'given.txt'), 'given');
  // The input is reached through a symlinked directory that lies under the same tmp root.
  await symlink(inputs, path.join(root, 'alias'));
  const outdir = path.join(root, 'final');
  const result = await relocateOutputs(
    { made: file(path.join(jobOut, 'made.txt')), given: file(path.join(root, 'alias', 'given.txt')) },
    outdir, 'move', new Set([jobOut]), { f: file(path.join(inputs, 'given.txt')) },
  );
  assert.equal(await readFile(path.join(outdir, 'made.txt'), 'utf8'), 'made');
  assert.equal(await readFile(path.join(outdir, 'given.txt'), 'utf8'), 'given');
  await assert.rejects(access(path.join(jobOut, 'made.txt')), 'the job output was moved');
  assert.equal(await readFile(path.join(inputs, 'given.txt'), 'utf8'), 'given', 'the input must stay where it was');
  assert.equal((result.given as { location: string }).location, pathToUri(path.join(outdir, 'given.txt')));
});

test('a job output directory replaced by a symlink leads nothing out of it: refused at relocation, nothing moved', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-relocate-'));
  const elsewhere = path.join(root, 'elsewhere');
  await mkdir(elsewhere);
  await writeFile(path.join(elsewhere, 'kept.txt'), 'kept');
  // The engine made job-out; a tool put a link to another directory in its place.
  const jobOut = path.join(root, 'job-out');
  await symlink(elsewhere, jobOut);
  const outdir = path.join(root, 'final');
  await assert.rejects(relocateOutputs({ kept: file(path.join(jobOut, 'kept.txt')) }, outdir, 'move', new Set([jobOut]), {}, 'tool.cwl'),
    /^PermanentFailure: tool\.cwl: output 'kept': location .*job-out\/kept\.txt \(it resolves to .*elsewhere\/kept\.txt\) is outside/);
  assert.equal(await readFile(path.join(elsewhere, 'kept.txt'), 'utf8'), 'kept', 'not moved');
});

test('a Directory moved into --outdir keeps its listing, rebased; secondaryFiles land beside their primary', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-relocate-'));
  const jobOut = path.join(root, 'job-out');
  await mkdir(path.join(jobOut, 'd', 'sub'), { recursive: true });
  await writeFile(path.join(jobOut, 'd', 'sub', 'x.txt'), 'x');
  await writeFile(path.join(jobOut, 'a.bam'), 'bam');
  await writeFile(path.join(jobOut, 'a.bam.bai'), 'bai');
  const x = { ...file(path.join(jobOut, 'd', 'sub', 'x.txt')), dirname: path.join(jobOut, 'd', 'sub'), nameroot: 'x', nameext: '.txt' };
  const sub = { class: 'Directory', location: pathToUri(path.join(jobOut, 'd', 'sub')), basename: 'sub', listing: [x] };
  const outputs = {
    dir: { class: 'Directory', location: pathToUri(path.join(jobOut, 'd')), basename: 'd', listing: [sub] },
    bam: { ...file(path.join(jobOut, 'a.bam')), secondaryFiles: [file(path.join(jobOut, 'a.bam.bai'))] },
  };
  const outdir = path.join(root, 'final');
  const result = await relocateOutputs(outputs, outdir, 'move', new Set([jobOut]));
  const moved = ((result.dir as { listing: { listing: Record<string, unknown>[] }[] }).listing[0]!.listing[0])!;
  assert.equal(moved.path, path.join(outdir, 'd', 'sub', 'x.txt'));
  assert.equal(moved.location, pathToUri(path.join(outdir, 'd', 'sub', 'x.txt')));
  assert.equal('nameroot' in moved || 'dirname' in moved, false, 'names derived from the old path are dropped');
  assert.equal(await readFile(path.join(outdir, 'd', 'sub', 'x.txt'), 'utf8'), 'x');
  const bai = (result.bam as { secondaryFiles: Record<string, unknown>[] }).secondaryFiles[0]!;
  assert.equal(bai.path, path.join(outdir, 'a.bam.bai'));
  assert.equal(await readFile(path.join(outdir, 'a.bam.bai'), 'utf8'), 'bai');
  assert.equal((outputs.dir.listing[0]!.listing[0] as Record<string, unknown>).nameroot, 'x', 'the output object given is not changed');
});

test("'leave' mode drops derived names and changes nothing on disk", async () => {
  const value = { class: 'File', location: 'file:///nowhere/a.txt', basename: 'a.txt', dirname: '/nowhere', nameroot: 'a', nameext: '.txt' };
  const result = await relocateOutputs({ out: [value], n: 3 }, '/nowhere/final', 'leave', new Set());
  assert.deepEqual(result, { out: [{ class: 'File', location: 'file:///nowhere/a.txt', basename: 'a.txt' }], n: 3 });
  assert.equal(value.nameroot, 'a');
});
