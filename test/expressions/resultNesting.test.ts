/**
 * An expression's result is walked recursively by the engine (files,
 * validation, the output object), so it may nest arrays and objects no deeper
 * than a document may (issue 19): a deeper one fails the expression, naming
 * it, instead of overflowing the engine's stack.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ExpressionEngine, ExpressionError } from '../../src/expressions/index.js';
import { runCli, scratch } from '../helpers/cli.js';

const context = { inputs: {}, self: null, runtime: {} };
const nested = (depth: number): string => `\${ var a = []; for (var i = 1; i < ${depth}; i++) a = [a]; return a; }`;

test('a result nested past the limit fails the expression; one at the limit is returned', async () => {
  const engine = new ExpressionEngine({ javascript: true });
  try {
    await assert.rejects(engine.evaluate(nested(101), context), (error: unknown) => {
      assert.ok(error instanceof ExpressionError, String(error));
      assert.match(error.message, /: its result nests arrays and objects more than 100 deep$/);
      return true;
    });
    let value = await engine.evaluate(nested(100), context);
    let depth = 0;
    while (Array.isArray(value)) { depth++; value = value[0]; }
    assert.equal(depth, 100);
  } finally {
    await engine.close();
  }
});

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
