/**
 * Memory an expression holds outside the V8 heap and ArrayBuffers (ICU's
 * objects behind `Intl`) is bounded by the engine's resident memory: past the
 * limit the worker is ended, the evaluation fails, and later ones get a fresh
 * worker (issue 19).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpressionEngine, ExpressionError } from '../../src/expressions/index.js';

const context = { inputs: { x: 1 }, self: null, runtime: {} };
/** About 16 KiB of ICU memory per formatter, almost nothing on the V8 heap: 1.6 GiB in all. */
const INTL_BOMB = "${ var a=[]; for (var i=0;i<100000;i++) a.push(new Intl.DateTimeFormat('en',{timeZone:'UTC'})); return a.length; }";

test('an expression that grows resident memory past the limit fails naming it, and the next evaluation works', { timeout: 120_000 }, async () => {
  const engine = new ExpressionEngine({ javascript: true, timeoutMs: 100_000, residentMemoryMb: 256 });
  try {
    const before = process.memoryUsage.rss();
    await assert.rejects(engine.evaluate(INTL_BOMB, context), (error: unknown) => {
      assert.ok(error instanceof ExpressionError, String(error));
      assert.match(error.message, /^Expression failed: \$\{ var a=\[\];.*: grew the engine's resident memory by more than the 256 MiB limit/);
      return true;
    });
    // The worker that held the memory is gone: well under the 1.6 GiB the expression would have reached.
    assert.ok(process.memoryUsage.rss() - before < 1024 * 2 ** 20, `resident memory grew by ${Math.round((process.memoryUsage.rss() - before) / 2 ** 20)} MiB`);
    assert.equal(await engine.evaluate('$(inputs.x + 41)', context), 42);
  } finally {
    await engine.close();
  }
});

test('the limit is an option of its own, checked like the others', () => {
  assert.throws(() => new ExpressionEngine({ javascript: true, residentMemoryMb: 0 }), /residentMemoryMb must be a positive number/);
});

test('memory that earlier evaluations left behind is not blamed on a later one: the worker is replaced instead', { timeout: 180_000 }, async () => {
  const engine = new ExpressionEngine({ javascript: true, timeoutMs: 100_000, residentMemoryMb: 256 });
  // About 160 MiB each, left as garbage that V8 does not count: past the limit by the second.
  const below = INTL_BOMB.replace('100000', '8000');
  try {
    for (let i = 0; i < 4; i++) assert.equal(await engine.evaluate(below, context), 8000, `evaluation ${i}`);
  } finally {
    await engine.close();
  }
});
