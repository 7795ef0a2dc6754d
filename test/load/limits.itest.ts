/**
 * Inputs that would make loading run out of memory are refused with one
 * `ERROR` line that names the file and the limit (issue 9), through the CLI.
 * Each run gets a 512 MiB heap, so that a regression fails the test instead
 * of taking the machine down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { ANY_TOOL, ECHO_TOOL, aliasBomb, errorLines, importDiamond, runDiamond, tempDir } from './hugeDocuments.js';

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BESPIN_MAX_')));
  return { ...base, NODE_OPTIONS: '--max-old-space-size=512', ...extra };
}

function bespin(args: string[], cwd: string, extra: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd, env: env(extra), timeoutMs: 60_000 });
}

/** Exit 1 with exactly one ERROR line matching `message`, and no crash or stack trace. */
function assertRefused(r: CliResult, message: RegExp): void {
  const { errors, crashed } = errorLines(r.stderr);
  assert.equal(crashed, false, r.stderr.slice(0, 2000));
  assert.equal(r.code, 1, r.stderr.slice(0, 2000));
  assert.equal(errors.length, 1, r.stderr.slice(0, 2000));
  assert.match(errors[0]!, message);
}

const CWL_HEADER = 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\ninputs: []\noutputs: []\n';

test('a YAML alias bomb as the CWL document is refused, naming the file, the line of the alias and the limit', async (t) => {
  const dir = await tempDir(t, { 'bomb.cwl': CWL_HEADER + aliasBomb() });
  const r = await bespin(['bomb.cwl'], dir);
  assertRefused(r, /^ERROR .*bomb\.cwl:\d+:\d+: .*aliases.* 16 MiB .*BESPIN_MAX_DOCUMENT_BYTES/);
});

test('a YAML alias bomb is refused under --validate', async (t) => {
  const dir = await tempDir(t, { 'bomb.cwl': CWL_HEADER + aliasBomb() });
  const r = await bespin(['--validate', 'bomb.cwl'], dir);
  assertRefused(r, /^ERROR .*bomb\.cwl:\d+:\d+: .*aliases.* 16 MiB/);
});

test('a YAML alias bomb as the job file is refused, naming the job file and its limit', async (t) => {
  const dir = await tempDir(t, { 'tool.cwl': ANY_TOOL, 'bomb.yml': aliasBomb() });
  const r = await bespin(['tool.cwl', 'bomb.yml'], dir);
  assertRefused(r, /^ERROR .*bomb\.yml:\d+:\d+: .*aliases.* 64 MiB .*BESPIN_MAX_JOB_FILE_BYTES/);
});

test('a recursive YAML alias is refused, not looped over', async (t) => {
  const dir = await tempDir(t, { 'loop.cwl': `${CWL_HEADER}hints:\n  - &h {class: ex:X, self: *h}\n` });
  const r = await bespin(['--validate', 'loop.cwl'], dir);
  assertRefused(r, /^ERROR .*loop\.cwl:7:\d+: .*\*h.*recursive/);
});

test('a diamond of $imports (2^30 copies of a tiny file) is refused, naming the document and the limit', async (t) => {
  const dir = await tempDir(t, importDiamond(30));
  const r = await bespin(['doc.cwl'], dir);
  assertRefused(r, /^ERROR .*doc\.cwl: more than the limit of 10000 \$import\/\$include expansions, the last by \$import .*l\d+\.yml in .*l\d+\.yml/);
});

test('a diamond of `run` references (2^30 tool instances) is refused, naming the document and the limit', async (t) => {
  const dir = await tempDir(t, runDiamond(30));
  const r = await bespin(['--validate', 'w0.cwl'], dir);
  assertRefused(r, /^ERROR .*w0\.cwl: .*10000 'run' references/);
});

test('a job file over BESPIN_MAX_JOB_FILE_BYTES is refused before it is parsed', async (t) => {
  const names = Array.from({ length: 150_000 }, (_, i) => `name-${i}`);
  const dir = await tempDir(t, { 'tool.cwl': ECHO_TOOL, 'job.json': JSON.stringify({ names }) });
  const r = await bespin(['tool.cwl', 'job.json'], dir, { BESPIN_MAX_JOB_FILE_BYTES: '1Mi' });
  assertRefused(r, /^ERROR .*job\.json: the job file is \d\.\d MiB, more than the 1 MiB limit \(BESPIN_MAX_JOB_FILE_BYTES\)/);
});

test('the default job file limit is 64 MiB (a sparse 65 MiB file is refused without being read)', async (t) => {
  const dir = await tempDir(t, { 'tool.cwl': ECHO_TOOL, 'job.yml': '' });
  await truncate(path.join(dir, 'job.yml'), 65 * 2 ** 20);
  const r = await bespin(['tool.cwl', 'job.yml'], dir);
  assertRefused(r, /^ERROR .*job\.yml: the job file is 65 MiB, more than the 64 MiB limit \(BESPIN_MAX_JOB_FILE_BYTES\)/);
});

test('a CWL document over the 16 MiB document limit is refused, and so is a $include over it', async (t) => {
  const dir = await tempDir(t, { 'doc.cwl': '' });
  await truncate(path.join(dir, 'doc.cwl'), 17 * 2 ** 20);
  const r = await bespin(['--validate', 'doc.cwl'], dir);
  assertRefused(r, /^ERROR .*doc\.cwl: the document is 17 MiB, more than the 16 MiB limit \(BESPIN_MAX_DOCUMENT_BYTES\)/);

  await writeFile(path.join(dir, 'inc.cwl'), `${CWL_HEADER}arguments:\n  - {$include: big.txt}\n`);
  await writeFile(path.join(dir, 'big.txt'), 'x'.repeat(100_000));
  const i = await bespin(['--validate', 'inc.cwl'], dir, { BESPIN_MAX_DOCUMENT_BYTES: '64Ki' });
  assertRefused(i, /^ERROR .*big\.txt: the document is 97\.\d KiB, more than the 64 KiB limit \(BESPIN_MAX_DOCUMENT_BYTES\)/);
});

test('a limit that is not a byte quantity is a usage error naming the variable (exit 2, as a bad option)', async (t) => {
  const dir = await tempDir(t, { 'tool.cwl': ECHO_TOOL });
  const r = await bespin(['--validate', 'tool.cwl'], dir, { BESPIN_MAX_DOCUMENT_BYTES: 'lots' });
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(r.stderr.trim().split('\n'), [r.stderr.trim()], 'one line');
  assert.match(r.stderr, /^ERROR BESPIN_MAX_DOCUMENT_BYTES: 'lots' is not a size in bytes/);
});

test('documents and job files well within the limits still load, with their aliases', async (t) => {
  const dir = await tempDir(t, {
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  a: {type: 'string[]', inputBinding: {position: 1}}
  b: {type: 'string[]', inputBinding: {position: 2}}
outputs:
  out: stdout
stdout: out.txt
`,
    'job.yml': 'a: &words [x, y, z]\nb: *words\n',
  });
  const r = await bespin(['--outdir', path.join(dir, 'out'), 'tool.cwl', 'job.yml'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"out"/);
});

test('a load that still runs out of heap (limits raised past it) is an error about the file, not a crash', async (t) => {
  // 9^8 File objects behind aliases: each is copied when its location is resolved.
  const lines = [`a: &a [${Array(9).fill('{class: File, location: x.txt}').join(',')}]`];
  for (const [prev, key] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h']]) {
    lines.push(`${key}: &${key} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const dir = await tempDir(t, { 'tool.cwl': ANY_TOOL, 'files.yml': `${lines.join('\n')}\ni: *h\n` });
  const r = await runCli(['tool.cwl', 'files.yml'], { cwd: dir, env: env({ NODE_OPTIONS: '--max-old-space-size=128', BESPIN_MAX_JOB_FILE_BYTES: '4Gi' }), timeoutMs: 60_000 });
  assertRefused(r, /^ERROR .*files\.yml: loading the job file needs more than the engine's \d+ MiB heap/);
});

test('a diamond of $imports of larger files is refused by size before the count', async (t) => {
  const files = importDiamond(12);
  files['l12.yml'] = `leaf: ${'x'.repeat(200)}\n`;
  const dir = await tempDir(t, files);
  const r = await bespin(['--validate', 'doc.cwl'], dir, { BESPIN_MAX_DOCUMENT_BYTES: '64Ki' });
  assertRefused(r, /^ERROR .*doc\.cwl: \$import\/\$include expand the document to more than the 64 KiB limit \(BESPIN_MAX_DOCUMENT_BYTES\), the last by \$import .*l\d+\.yml in .*l\d+\.yml/);
});
