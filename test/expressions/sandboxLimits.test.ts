import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExpressionEngine, ExpressionError } from '../../src/expressions/index.js';
import { SandboxHost } from '../../src/expressions/sandbox.js';
import { timersFiredBefore } from '../helpers/eventOrder.js';

const context = { inputs: { x: 1 }, self: null, runtime: { outdir: '/out' } };
const MEMORY_BOMB = '${var a=[]; while(true) a.push(new Array(1e6).fill(1));}';

function failsWith(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ExpressionError, `expected ExpressionError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

// One engine with a short timeout for every suite of this file.
const engine = new ExpressionEngine({ javascript: true, timeoutMs: 500, memoryMb: 64 });
after(() => engine.close());

describe('sandbox limits', () => {
  it('stops an infinite loop with a timeout message at timeoutMs, not before and not after the start-up grace', async () => {
    await engine.evaluate('$(1)', context); // a started worker: no start-up grace
    const loop = engine.evaluate('${while(true){}}', context);
    // The watchdog is a timer of this thread, like these two (helpers/eventOrder.ts).
    const fired = timersFiredBefore(loop, [450, 2000]);
    await assert.rejects(loop, failsWith(/^Expression failed: \$\{while\(true\)\{\}\}: timed out after 500 ms$/));
    assert.deepEqual(await fired, [true, false], 'the watchdog fired after a 450 ms timer and before a 2 s one');
    assert.equal(await engine.evaluate('$(inputs.x + 1)', context), 2);
  });

  it('also times out loops scheduled as promise callbacks', async () => {
    await assert.rejects(
      engine.evaluate('${ Promise.resolve().then(function () { while (true) {} }); return 1; }', context),
      failsWith(/timed out after 500 ms/),
    );
  });

  it('kills a memory bomb, reports the memory limit and recovers', async () => {
    const memoryEngine = new ExpressionEngine({ javascript: true, memoryMb: 64 });
    await assert.rejects(
      memoryEngine.evaluate(MEMORY_BOMB, context),
      failsWith(/exceeded the 64 MiB memory limit$/),
    );
    assert.equal(await memoryEngine.evaluate('$(inputs.x + 41)', context), 42);
    await memoryEngine.close();
  });

  it('fails only the culprit when evaluations run concurrently', async () => {
    // A longer timeout, so that a slow machine cannot time out the memory bomb.
    const shared = new ExpressionEngine({ javascript: true, timeoutMs: 1000, memoryMb: 64 });
    const results = await Promise.allSettled([
      shared.evaluate('${while(true){}}', context),
      shared.evaluate('$(5)', context),
      shared.evaluate(MEMORY_BOMB, context),
      shared.evaluate('$(6)', context),
    ]);
    await shared.close();
    assert.equal(results[0].status, 'rejected');
    assert.deepEqual(results[1], { status: 'fulfilled', value: 5 });
    assert.equal(results[2].status, 'rejected');
    assert.match(String((results[2] as PromiseRejectedResult).reason), /64 MiB memory limit/);
    assert.deepEqual(results[3], { status: 'fulfilled', value: 6 });
  });
});

describe('sandbox limits: escapes', () => {
  it('blocks sandbox escapes', async () => {
    const attempts = [
      '$(this.constructor.constructor("return process")())',
      '$(globalThis.constructor.constructor("return process")())',
      '$(runtime.constructor.constructor("return process")().exit(3))',
      '${ return (function () { return this; }).constructor("return process")(); }',
      '$(process.exit(3))',
      '$(require("fs"))',
      '${ return import("node:fs"); }',
      '$(fetch("http://localhost/"))',
      '$(setTimeout(function () {}, 1))',
      '$(WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])))',
    ];
    for (const attempt of attempts) {
      await assert.rejects(engine.evaluate(attempt, context), ExpressionError, attempt);
    }
    assert.equal(
      await engine.evaluate('$([typeof process, typeof require, typeof setTimeout, typeof fetch].join())', context),
      'undefined,undefined,undefined,undefined',
    );
    // eval and new Function are allowed (templating libraries use them, as
    // cwltool allows), but they compile in the sandbox's realm: no process there.
    assert.equal(await engine.evaluate('$(eval("1 + 1"))', context), 2);
    assert.equal(await engine.evaluate('$(new Function("return 1")())', context), 1);
    await assert.rejects(engine.evaluate('$(inputs.constructor.constructor("return process")())', context), /process is not defined/);
  });

  it('does not leak objects of the worker realm through import() errors', async () => {
    // node:vm would reject import() with an error of the worker's realm; its
    // constructor.constructor would be an unrestricted Function.
    const attempts = [
      '${ import("node:fs").catch(function (e) { globalThis.leak = e; }); return 1; }',
      '${ import /* c */ ("node:fs").catch(function (e) { globalThis.leak = e; }); return 1; }',
      '${ \\u0069mport("node:fs").catch(function (e) { globalThis.leak = e; }); return 1; }',
    ];
    for (const attempt of attempts) {
      await assert.rejects(engine.evaluate(attempt, context), failsWith(/SyntaxError/), attempt);
    }
    assert.equal(await engine.evaluate('$(typeof leak)', context), 'undefined');
    const viaLib = new ExpressionEngine({
      javascript: true,
      expressionLib: ['import("node:fs").catch(function (e) { globalThis.leak = e; });'],
    });
    await assert.rejects(viaLib.evaluate('$(typeof leak)', context), failsWith(/expressionLib failed: SyntaxError/));
    await viaLib.close();
  });

  it('keeps the sandbox realm even through stack trace call sites', async () => {
    const code =
      '${ Error.prepareStackTrace = function (e, frames) { return frames; };' +
      ' var frames = new Error().stack; var found = [];' +
      ' for (var i = 0; i < frames.length; i++) {' +
      '   if (frames[i].getFunction() !== undefined || frames[i].getThis() !== undefined) found.push(i);' +
      '   try { frames[i].constructor.constructor("return process")(); found.push("escape " + i); } catch (e) {}' +
      ' } return found; }';
    assert.deepEqual(await engine.evaluate(code, context), []);
  });
});

describe('sandbox limits: the worker', () => {
  it('terminates a worker that stops answering and resends the queued requests', async () => {
    const host = new SandboxHost(100, 64, new URL('./stuckWorker.js', import.meta.url));
    const stuck = host.evaluate('body', 'hang', 0, '{}', '${hang}');
    const fired = timersFiredBefore(stuck, [2000, 4000]);
    const queued = host.evaluate('expression', 'after', 0, '{}', '$(after)');
    await assert.rejects(stuck, failsWith(/^Expression failed: \$\{hang\}: timed out after 100 ms$/));
    // A worker that never said it started keeps the 2 s start-up grace.
    assert.deepEqual(await fired, [true, false], 'the watchdog fired after a 2 s timer and before a 4 s one');
    assert.equal(await queued, 'after');
    await host.close();
  });
});
