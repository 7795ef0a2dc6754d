/**
 * An expression's result is walked recursively by the engine (files,
 * validation, the output object), so it may nest arrays and objects no deeper
 * than a document may (issue 19): a deeper one fails the expression, naming
 * it, instead of overflowing the engine's stack.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, scratch } from '../helpers/cli.js';

const nested = (depth: number): string => `\${ var a = []; for (var i = 1; i < ${depth}; i++) a = [a]; return a; }`;

test('an ExpressionTool whose result nests 3,000 deep fails with one ERROR line, not a stack overflow', { timeout: 60_000 }, async () => {
  const dir = await scratch({
    'deep.cwl': `cwlVersion: v1.2
class: ExpressionTool
requirements: {InlineJavascriptRequirement: {}}
inputs: []
outputs: {n: Any}
expression: '${nested(3000).replace('return a;', 'return {n: a};')}'
`,
  });
  const r = await runCli(['--outdir', path.join(dir, 'out'), path.join(dir, 'deep.cwl')]);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
  assert.equal(r.code, 1, r.stderr.slice(-2000));
  assert.doesNotMatch(r.stderr, /RangeError|internal error/);
  assert.equal(errors.length, 1, r.stderr.slice(-2000));
  assert.match(errors[0]!, /^ERROR deep\.cwl: Expression failed: .*: its result nests arrays and objects more than 100 deep$/);
});
