/**
 * A Directory output that names a regular file is one user error naming the
 * step, the output and what was found (exit 1, as cwltool's permanentFail),
 * by whichever route the tool named it: glob, outputEval or cwl.output.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

function tool(command: string, output: string): string {
  return [
    'cwlVersion: v1.2',
    'class: CommandLineTool',
    'requirements: {InlineJavascriptRequirement: {}}',
    `baseCommand: [sh, -c, ${JSON.stringify(command)}]`,
    'inputs: []',
    `outputs: {d: ${output}}`,
  ].join('\n');
}

async function refused(document: string, pattern: RegExp): Promise<void> {
  const dir = await scratch({ 'doc.cwl': document });
  const r = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'doc.cwl')]);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|ENOTDIR/);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('ERROR')).length, 1, r.stderr);
}

const FOUND = /^ERROR doc\.cwl: output 'd': output directory \S*\/a\.txt is a regular file, but a Directory was expected$/m;

test('a Directory output whose glob matches a regular file', () => refused(
  tool('touch a.txt', '{type: Directory, outputBinding: {glob: a.txt}}'),
  /^ERROR doc\.cwl: output 'd': glob 'a\.txt' matched \S*\/a\.txt, which is a regular file, but a Directory was expected$/m,
));

test('a Directory output whose outputEval names a regular file', () => refused(
  tool('touch a.txt', `{type: Directory, outputBinding: {outputEval: '$({"class": "Directory", "location": "a.txt"})'}}`),
  FOUND,
));

test('a Directory in cwl.output.json that is a regular file', () => refused(
  tool(`touch a.txt; echo '{"d": {"class": "Directory", "path": "a.txt"}}' > cwl.output.json`, 'Directory'),
  FOUND,
));
