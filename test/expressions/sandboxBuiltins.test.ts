// The built-ins of the guarded sandbox: ArrayBuffer memory is bounded, the
// memory the bound would not see is missing, and eval, the function
// constructors and the other ECMAScript built-ins remain, as cwltool has them.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExpressionEngine } from '../../src/expressions/index.js';
import { assertFails, context } from './sandboxAttempts.js';

describe('sandbox ArrayBuffer memory', () => {
  const engine = new ExpressionEngine({ javascript: true, timeoutMs: 5000, memoryMb: 64 });
  after(() => engine.close());
  const limit = /exceeded the 64 MiB memory limit/;

  it('fails an expression that holds 3 GiB of ArrayBuffers, naming it', async () => {
    await assertFails(engine, '${ var a = []; for (var i = 0; i < 12; i++) a.push(new ArrayBuffer(2**28)); return a.length; }', limit);
    assert.equal(await engine.evaluate('$(inputs.x + 41)', context), 42);
  });

  it('fails big typed arrays and resizable buffers', async () => {
    await assertFails(engine, '$(new Uint8Array(2**31).length)', limit);
    await assertFails(engine, '$(new Float64Array(2**25).fill(1).length)', limit);
    await assertFails(engine, '${ var b = new ArrayBuffer(0, { maxByteLength: 2**32 }); b.resize(2**31); return b.byteLength; }', limit);
    // One native call that fills 2 GiB: the resident memory limit may stop it before it ends and the worker can measure it.
    await assertFails(engine, '$(new ArrayBuffer(2**20).transfer(2**31).byteLength)', /exceeded the 64 MiB memory limit|grew the engine's resident memory by more than/);
  });

  it('offers no SharedArrayBuffer or WebAssembly memory, which the bound would not see', async () => {
    await assertFails(engine, '${ var b = new SharedArrayBuffer(0, { maxByteLength: 2**32 }); b.grow(2**31); return b.byteLength; }');
    await assertFails(engine, '$(new WebAssembly.Memory({ initial: 32768 }).buffer.byteLength)');
  });

  it('stops an expression that keeps allocating before its timeout', async () => {
    // The memory limit's message, not the 5 s timeout's: the limit came first.
    await assertFails(engine, '${ var a = []; while (true) { var b = new Uint8Array(2**24); b[0] = 1; a.push(b); } }', limit);
    assert.equal(await engine.evaluate('$(inputs.x + 41)', context), 42);
  });

  it('allows ordinary typed arrays', async () => {
    assert.equal(await engine.evaluate('$(new Uint8Array(1 << 20).length)', context), 1 << 20);
    assert.deepEqual(await engine.evaluate('$(Array.from(new Uint8Array([97, 98])))', context), [97, 98]);
  });
});

describe('what the guarded sandbox still allows', () => {
  const engine = new ExpressionEngine({ javascript: true });
  after(() => engine.close());

  it('compiles code from strings with eval and the function constructors', async () => {
    assert.equal(await engine.evaluate('$(eval("inputs.x + 1"))', context), 2);
    assert.equal(await engine.evaluate('$(new Function("a", "b", "return a + b")(1, 2))', context), 3);
    assert.equal(await engine.evaluate('$(Function("return 4")())', context), 4);
    assert.equal(await engine.evaluate('$((function () {}).constructor === Function && Function.prototype.constructor === Function)', context), true);
    assert.equal(await engine.evaluate('$(Function.name + Function.length + (eval instanceof Function) + (Function instanceof Function))', context), 'Function1truetrue');
    assert.deepEqual(await engine.evaluate('${ var F = class extends Function {}; var f = new F("return 5"); return [f(), f instanceof F]; }', context), [5, true]);
    assert.equal(await engine.evaluate('${ var g = (function* () {}).constructor("yield 6"); return g().next().value; }', context), 6);
    assert.equal(await engine.evaluate('${ var r; (async function () {}).constructor("return 7")().then(function (v) { r = v; }); return typeof r; }', context), 'undefined');
    assert.equal(await engine.evaluate('$(eval(1) + eval(["a"])[0])', context), '1a');
    // Words that merely contain "import" are not refused.
    assert.equal(await engine.evaluate('$(inputs.important === undefined && "imports (2)".length)', context), 11);
  });

  it('evaluates eval as an indirect eval (global scope), unlike cwltool', async () => {
    // The guard is not the realm's %eval%, so eval(...) never sees local variables.
    assert.equal(await engine.evaluate('${ var local = 1; return eval("typeof local"); }', context), 'undefined');
    assert.equal(await engine.evaluate('${ return eval("typeof inputs"); }', context), 'object');
  });

  it('has console, typed arrays, Intl and the other ECMAScript built-ins', async () => {
    assert.equal(await engine.evaluate('$(console.log("not shown"))', context), null);
    assert.equal(await engine.evaluate('$(new DataView(new ArrayBuffer(8)).byteLength + new Int32Array([1, 2]).length)', context), 10);
    assert.equal(await engine.evaluate('$(new Intl.NumberFormat("en-US").format(1234.5))', context), '1,234.5');
    assert.equal(await engine.evaluate('$([typeof Map, typeof WeakRef, typeof Proxy, typeof Reflect, typeof Atomics].join())', context), 'function,function,function,object,object');
    assert.equal(await engine.evaluate('$([typeof FinalizationRegistry, typeof SharedArrayBuffer, typeof WebAssembly].join())', context), 'undefined,undefined,undefined');
  });
});
