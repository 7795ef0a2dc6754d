/**
 * An expression's result is walked recursively by the engine (files,
 * validation, the output object), so it may nest arrays and objects no deeper
 * than a document may (issue 19): a deeper one fails the expression, naming
 * it, instead of overflowing the engine's stack.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpressionEngine, ExpressionError } from '../../src/expressions/index.js';

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
