import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

test('an input passed straight through to the output is not removed by a run', async () => {
  const dir = await scratch({
    'keep.txt': 'precious\n',
    'tool.cwl': `cwlVersion: v1.2
class: ExpressionTool
requirements:
  InlineJavascriptRequirement: {}
inputs:
  f: File
outputs:
  g: File
expression: '$({"g": inputs.f})'
`,
  });
  const r = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), '--f', path.join(dir, 'keep.txt')], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(path.join(dir, 'keep.txt'), 'utf8'), 'precious\n');
  assert.equal(await readFile(path.join(dir, 'out', 'keep.txt'), 'utf8'), 'precious\n');
});

test('outputs globbed through an input directory staged in the work dir are copied; the input stays whole', async () => {
  const dir = await scratch({
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  InitialWorkDirRequirement:
    listing: [$(inputs.d)]
inputs:
  d: Directory
baseCommand: ["true"]
outputs:
  inner:
    type: File
    outputBinding: {glob: data/inner.txt}
`,
  });
  await mkdir(path.join(dir, 'data'));
  await writeFile(path.join(dir, 'data', 'inner.txt'), 'keep me\n');
  const r = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), '--d', path.join(dir, 'data')], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(path.join(dir, 'data', 'inner.txt'), 'utf8'), 'keep me\n', 'the input file must not be moved');
  assert.equal(await readFile(path.join(dir, 'out', 'inner.txt'), 'utf8'), 'keep me\n');
});
