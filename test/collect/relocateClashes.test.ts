import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { relocateOutputs, type OutputMode } from '../../src/collect/relocate.js';
import { pathToUri } from '../../src/files/uri.js';

const entry = (cls: 'File' | 'Directory', p: string): Record<string, unknown> => ({ class: cls, location: pathToUri(p), basename: path.basename(p) });

async function root(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'bespin-relocate-'));
}

for (const mode of ['move', 'copy'] as OutputMode[]) {
  test(`${mode}: an output Directory named like an input's folder in --outdir gets the next name: nothing merges into the input`, async () => {
    const dir = await root();
    const outdir = path.join(dir, 'final');
    await mkdir(path.join(outdir, 'data'), { recursive: true });
    await writeFile(path.join(outdir, 'data', 'x.txt'), 'the input');
    const jobOut = path.join(dir, 'job-out');
    await mkdir(path.join(jobOut, 'data'), { recursive: true });
    await writeFile(path.join(jobOut, 'data', 'x.txt'), 'the output');
    const result = await relocateOutputs({ d: entry('Directory', path.join(jobOut, 'data')) }, outdir, mode, new Set([jobOut]), { x: entry('File', path.join(outdir, 'data', 'x.txt')) });
    assert.equal(await readFile(path.join(outdir, 'data', 'x.txt'), 'utf8'), 'the input', 'the input is untouched');
    assert.deepEqual(await readdir(path.join(outdir, 'data')), ['x.txt']);
    assert.equal(path.basename((result.d as { path: string }).path), 'data_2');
    assert.equal((result.d as { basename: string }).basename, 'data', "as in cwltool's output object, the value keeps its name");
    assert.equal(await readFile(path.join(outdir, 'data_2', 'x.txt'), 'utf8'), 'the output');
  });
}

test('an existing directory in --outdir is never merged into or replaced, by a Directory or a File', async () => {
  const dir = await root();
  const outdir = path.join(dir, 'final');
  await mkdir(path.join(outdir, 'old'), { recursive: true });
  await mkdir(path.join(outdir, 'report.txt'));
  await writeFile(path.join(outdir, 'old', 'keep.txt'), 'kept');
  const jobOut = path.join(dir, 'job-out');
  await mkdir(path.join(jobOut, 'old'), { recursive: true });
  await writeFile(path.join(jobOut, 'old', 'new.txt'), 'new');
  await writeFile(path.join(jobOut, 'report.txt'), 'report');
  const result = await relocateOutputs({ d: entry('Directory', path.join(jobOut, 'old')), f: entry('File', path.join(jobOut, 'report.txt')) }, outdir, 'move', new Set([jobOut]));
  assert.deepEqual(await readdir(path.join(outdir, 'old')), ['keep.txt']);
  assert.equal((result.d as { path: string }).path, path.join(outdir, 'old_2'));
  assert.deepEqual(await readdir(path.join(outdir, 'old_2')), ['new.txt']);
  assert.equal((result.f as { path: string }).path, path.join(outdir, 'report.txt_2'));
  assert.equal(await readFile(path.join(outdir, 'report.txt_2'), 'utf8'), 'report');
  assert.ok((await lstat(path.join(outdir, 'report.txt'))).isDirectory());
});

/** A Directory output, checked when its step ended, in which a later step put a link to a host file. */
async function tamperedOutput(): Promise<{ dir: string; jobOut: string; outdir: string; outputs: Record<string, unknown> }> {
  const dir = await root();
  const host = path.join(dir, 'host-only');
  await mkdir(host);
  await writeFile(path.join(host, 'shadow'), 'host secret');
  const jobOut = path.join(dir, 'job-out');
  await mkdir(path.join(jobOut, 'results', 'sub'), { recursive: true });
  await writeFile(path.join(jobOut, 'results', 'a.txt'), 'a');
  await symlink(path.join(host, 'shadow'), path.join(jobOut, 'results', 'sub', 'b.txt'));
  return { dir, jobOut, outdir: path.join(dir, 'final'), outputs: { results: entry('Directory', path.join(jobOut, 'results')) } };
}

for (const mode of ['copy', 'move'] as OutputMode[]) {
  test(`${mode}: a symlink out of the run's directories inside an output Directory is refused at relocation, naming the output`, async () => {
    const { outdir, jobOut, outputs } = await tamperedOutput();
    await assert.rejects(relocateOutputs(outputs, outdir, mode, new Set([jobOut]), {}, 'wf.cwl'), (error: Error) => {
      assert.equal(error.name, 'PermanentFailure');
      assert.match(error.message, /^wf\.cwl: output 'results': symlink .*results\/sub\/b\.txt \(it resolves to .*host-only\/shadow\) is outside/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    const placed = await readdir(outdir).catch(() => []);
    assert.deepEqual(placed, [], 'nothing of it reached --outdir');
  });
}

test('a top-level output File replaced by a link to a host file after its step is refused; links inside the run are not', async () => {
  const { dir, jobOut, outdir } = await tamperedOutput();
  await symlink(path.join(dir, 'host-only', 'shadow'), path.join(jobOut, 'late.txt'));
  await symlink(path.join(jobOut, 'results', 'a.txt'), path.join(jobOut, 'inside.txt'));
  await assert.rejects(relocateOutputs({ f: entry('File', path.join(jobOut, 'late.txt')) }, outdir, 'copy', new Set([jobOut]), {}, 'wf.cwl'), /^PermanentFailure: wf\.cwl: output 'f': /);
  const ok = await relocateOutputs({ g: entry('File', path.join(jobOut, 'inside.txt')) }, outdir, 'copy', new Set([jobOut]), {}, 'wf.cwl');
  assert.equal(await readFile((ok.g as { path: string }).path, 'utf8'), 'a');
});

test("5,000 outputs with one name relocate as cwltool names them: out.txt, out.txt_2, ... out.txt_5000, each keeping its basename", async () => {
  const dir = await root();
  const jobOuts: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const jobOut = path.join(dir, `job-${i}`);
    await mkdir(jobOut);
    await writeFile(path.join(jobOut, 'out.txt'), String(i));
    jobOuts.push(jobOut);
  }
  const outdir = path.join(dir, 'final');
  const result = await relocateOutputs({ out: jobOuts.map((j) => entry('File', path.join(j, 'out.txt'))) }, outdir, 'move', new Set(jobOuts));
  const files = result.out as { basename: string; path: string }[];
  assert.deepEqual(files.map((f) => path.basename(f.path)), Array.from({ length: 5000 }, (_, i) => (i === 0 ? 'out.txt' : `out.txt_${i + 1}`)));
  assert.ok(files.every((f) => f.basename === 'out.txt'));
  assert.equal(await readFile(path.join(outdir, 'out.txt_5000'), 'utf8'), '4999');
  assert.equal((await readdir(outdir)).length, 5000);
});
