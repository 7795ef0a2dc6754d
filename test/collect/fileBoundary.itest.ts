/**
 * The file boundary: a step's outputs are files it wrote into its own output
 * directory, or inputs it was given. Each way a document could name another
 * host file as an output (cwl.output.json, outputEval, a secondaryFiles
 * pattern, a symlink, a basename with `../`) is refused with one ERROR line
 * naming the step and output, and nothing outside the job's directories and
 * --outdir changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { assertContained, bench, tool } from '../helpers/canary.js';

test('cwl.output.json cannot name a host file as an output, by absolute location or by ../', async () => {
  for (const location of ['ABS', '../../secret.txt']) {
    const { dir, secret, run } = await bench({});
    const loc = location === 'ABS' ? `file://${secret}` : location;
    await writeFile(path.join(dir, 'doc.cwl'), tool('  out: File', `echo '{"out": {"class": "File", "location": "${loc}"}}' > cwl.output.json`));
    const r = await run('doc.cwl');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`^ERROR doc\\.cwl: output 'out': File .*secret\\.txt.* is outside the step's output directory and its inputs`, 'm'));
    await assertContained(dir);
  }
});

test('outputEval cannot name a host file', async () => {
  const { dir, secret, run } = await bench({});
  await writeFile(path.join(dir, 'doc.cwl'), tool(`  out:\n    type: File\n    outputBinding: {outputEval: '$({"class": "File", "location": "file://${secret}"})'}`, 'true'));
  const r = await run('doc.cwl');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR doc\.cwl: output 'out': File .*secret\.txt is outside/m);
  await assertContained(dir);
});

test('a secondaryFiles pattern cannot reach out of the output directory with ../', async () => {
  const { dir, run } = await bench({});
  await writeFile(path.join(dir, 'doc.cwl'), tool(`  out:\n    type: File\n    outputBinding: {glob: main.txt}\n    secondaryFiles: [{pattern: /../../../secret.txt, required: false}, {pattern: $("../../secret.txt"), required: false}]`, 'echo main > main.txt'));
  const r = await run('doc.cwl');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR doc\.cwl: output 'out': File .*secret\.txt is outside/m);
  await assertContained(dir);
});

test('a symlink the tool made is resolved and checked, as an output and inside an output Directory', async () => {
  const { dir, secret, run } = await bench({});
  await writeFile(path.join(dir, 'doc.cwl'), tool(`  out: {type: File, outputBinding: {glob: link.txt}}`, `ln -s ${secret} link.txt`));
  const r = await run('doc.cwl');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR doc\.cwl: output 'out': File .*link\.txt \(it resolves to .*secret\.txt\) is outside/m);
  await assertContained(dir);
  await writeFile(path.join(dir, 'doc.cwl'), tool(`  out: {type: Directory, outputBinding: {glob: d}}`, `mkdir -p d/e && echo fine > d/ok.txt && ln -s ${secret} d/e/link.txt`));
  const d = await run('doc.cwl');
  assert.equal(d.code, 1);
  assert.match(d.stderr, /^ERROR doc\.cwl: output 'out': symlink .*d\/e\/link\.txt \(it resolves to .*secret\.txt\) is outside/m);
  await assertContained(dir);
});

test('a basename with ../ cannot write outside --outdir, from cwl.output.json or an ExpressionTool file literal', async () => {
  const { dir, run } = await bench({});
  await writeFile(path.join(dir, 'doc.cwl'), tool('  out: File', `echo pwned > x.txt; echo '{"out": {"class": "File", "location": "x.txt", "basename": "../victim.txt"}}' > cwl.output.json`));
  const r = await run('doc.cwl');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR doc\.cwl: output 'out': File basename "\.\.\/victim\.txt" is not a plain file name/m);
  await assertContained(dir);
  await writeFile(path.join(dir, 'doc.cwl'), `cwlVersion: v1.2
class: ExpressionTool
requirements: {InlineJavascriptRequirement: {}}
inputs: []
outputs: {out: File}
expression: '$({"out": {"class": "File", "basename": "../victim.txt", "contents": "pwned"}})'
`);
  const e = await run('doc.cwl');
  assert.equal(e.code, 1);
  assert.match(e.stderr, /^ERROR doc\.cwl: output 'out': File basename "\.\.\/victim\.txt" is not a plain file name/m);
  await assertContained(dir);
});

test('an ExpressionTool cannot name a host file either; inputs passed through, and links to them, are fine', async () => {
  const { dir, secret, run } = await bench({ 'input.txt': 'given\n' });
  await writeFile(path.join(dir, 'doc.cwl'), `cwlVersion: v1.2
class: ExpressionTool
requirements: {InlineJavascriptRequirement: {}}
inputs: []
outputs: {out: File}
expression: '$({"out": {"class": "File", "location": "file://${secret}"}})'
`);
  const r = await run('doc.cwl');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR doc\.cwl: output 'out': File .*secret\.txt is outside/m);
  await assertContained(dir);

  await writeFile(path.join(dir, 'doc.cwl'), `cwlVersion: v1.2
class: CommandLineTool
inputs: {f: File}
baseCommand: [sh, -c, 'ln -s "$0" link.txt']
arguments: [$(inputs.f.path)]
outputs:
  same: {type: File, outputBinding: {outputEval: $(inputs.f)}}
  linked: {type: File, outputBinding: {glob: link.txt}}
`);
  const ok = await run('doc.cwl', '--f', path.join(dir, 'input.txt'));
  assert.equal(ok.code, 0, ok.stderr);
  const out = JSON.parse(ok.stdout) as { same: { path: string }; linked: { path: string } };
  assert.equal(await readFile(out.same.path, 'utf8'), 'given\n');
  assert.equal(await readFile(out.linked.path, 'utf8'), 'given\n');
  assert.equal(await readFile(path.join(dir, 'input.txt'), 'utf8'), 'given\n');
});

test('an output never overwrites an input that lives in --outdir, nor another output: it gets the next free name', async () => {
  const dir = await scratch({ 'data.txt': 'the input\n', 'doc.cwl': `cwlVersion: v1.2
class: CommandLineTool
inputs: {f: File}
baseCommand: [sh, -c, 'mkdir a b; echo first > a/data.txt; echo second > b/data.txt']
outputs:
  one: {type: File, outputBinding: {glob: a/data.txt}}
  two: {type: File, outputBinding: {glob: b/data.txt}}
` });
  const r = await runCli(['--quiet', '--outdir', dir, path.join(dir, 'doc.cwl'), '--f', path.join(dir, 'data.txt')]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { one: { path: string }; two: { path: string } };
  assert.equal(await readFile(path.join(dir, 'data.txt'), 'utf8'), 'the input\n', 'the input is untouched');
  assert.deepEqual([path.basename(out.one.path), path.basename(out.two.path)], ['data.txt_2', 'data.txt_3']);
  assert.equal(await readFile(out.one.path, 'utf8'), 'first\n');
  assert.equal(await readFile(out.two.path, 'utf8'), 'second\n');
});
