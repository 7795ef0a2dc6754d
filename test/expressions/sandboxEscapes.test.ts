/**
 * Known ways out of a node:vm sandbox, each tried by a CWL expression that,
 * if it got hold of anything of the engine's realm, would write a marker file
 * with the engine's own `fs`. Every attempt must fail with an ExpressionError
 * naming the expression, and no marker may appear.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { ExpressionEngine } from '../../src/expressions/index.js';
import { CALLER_WALK, ESCAPE, ESCAPE_SPAWN, assertEachFails, assertFails, context, marker, settle } from './sandboxAttempts.js';

// One engine for the attempts; the state tests below start their own.
const engine = new ExpressionEngine({ javascript: true, timeoutMs: 5000 });
after(() => engine.close());

describe('sandbox escapes: import()', () => {
  it('refuses import() however its source is made', async () => {
    const IMPORT = '"imp" + "ort(\'node:fs\')"';
    const attempts = [
      // The reported escape: a rejected import() built by eval.
      `\${ return eval(${IMPORT}).catch(${ESCAPE_SPAWN}); }`,
      `\${ return eval(${IMPORT}).catch(${ESCAPE}); }`,
      `\${ eval(${IMPORT}).catch(${ESCAPE}); return 1; }`,
      `\${ (0, eval)(${IMPORT}).catch(${ESCAPE}); return 1; }`,
      `\${ eval("eval(" + JSON.stringify(${IMPORT}) + ")").catch(${ESCAPE}); return 1; }`,
      `\${ new Function("return " + ${IMPORT})().catch(${ESCAPE}); return 1; }`,
      `\${ Function("return " + ${IMPORT})().catch(${ESCAPE}); return 1; }`,
      `\${ Reflect.construct(Function, ["return " + ${IMPORT}])().catch(${ESCAPE}); return 1; }`,
      `\${ (function () {}).constructor("return " + ${IMPORT})().catch(${ESCAPE}); return 1; }`,
      `\${ (async function () {}).constructor("return await " + ${IMPORT})().catch(${ESCAPE}); return 1; }`,
      `\${ (function* () {}).constructor("yield " + ${IMPORT})().next().value.catch(${ESCAPE}); return 1; }`,
      `\${ (async function* () {}).constructor("yield " + ${IMPORT})().next().catch(${ESCAPE}); return 1; }`,
      `\${ var F = class extends Function {}; new F("return " + ${IMPORT})().catch(${ESCAPE}); return 1; }`,
      `\${ eval("imp" + "ort /* c */ ('node:fs')").catch(${ESCAPE}); return 1; }`,
      `\${ eval("imp" + "ort <!-- c\\n('node:fs')").catch(${ESCAPE}); return 1; }`,
      `\${ eval("imp" + "ort\\n--> c\\n('node:fs')").catch(${ESCAPE}); return 1; }`,
      `\${ var n = 0; Function({ toString: function () { return n++ ? ${IMPORT} : "1"; } })().catch(${ESCAPE}); return 1; }`,
      `\${ setTimeout(${IMPORT}); return 1; }`,
    ];
    await assertEachFails(engine, attempts);
  });

  it('refuses import() made by eval in expressionLib', async () => {
    const withLib = new ExpressionEngine({
      javascript: true,
      expressionLib: [`eval("imp" + "ort('node:fs')").catch(${ESCAPE});`],
    });
    try {
      await assertFails(withLib, '$(inputs.x + 0)', /expressionLib failed: SyntaxError: import\(\) is not available/);
    } finally {
      await withLib.close();
    }
  });
});

describe('sandbox escapes: errors and stack frames', () => {
  it('throws only errors of the sandbox realm, from built-ins and from the engine', async () => {
    const throwers = [
      'null.x',
      'JSON.parse("{")',
      'new Array(-1)',
      'Symbol() + ""',
      '(function f() { f(); })()',
      'eval("{")',
      'Function("{")',
      'eval("imp" + "ort(1)")',
      'Function("imp" + "ort(1)")',
      'Object.defineProperty(globalThis, "undefined", { value: 1 })',
      'Object.defineProperty(globalThis, "Infinity", { get: function () {} })',
      'new Proxy({}, { get: 1 }).x',
      'x.y.z',
      'BigInt(1.5)',
    ];
    const code =
      `\${ var escape = ${ESCAPE}; var blocked = 0;` +
      ` var throwers = [${throwers.map((t) => `function () { ${t}; }`).join(', ')}];` +
      ' for (var i = 0; i < throwers.length; i++) {' +
      '   var caught = null; try { throwers[i](); } catch (e) { caught = e; }' +
      '   if (caught === null) throw new Error("thrower " + i + " did not throw");' +
      '   try { escape(caught); } catch (e) { if (e instanceof ReferenceError) blocked++; }' +
      ' } throw new Error("blocked " + blocked); }';
    await assertFails(engine, code, new RegExp(`Error: blocked ${throwers.length}$`));
  });

  it('gives nothing of the host through Error.prepareStackTrace and call sites', async () => {
    const code =
      `\${ var escape = ${ESCAPE}; var tried = 0;` +
      ' Error.prepareStackTrace = function (e, frames) { return frames; };' +
      ' function probe(frames) {' +
      '   var values = [frames];' +
      '   for (var i = 0; i < frames.length; i++) values.push(frames[i], frames[i].getThis(), frames[i].getFunction());' +
      '   for (var j = 0; j < values.length; j++) {' +
      '     if (values[j] === undefined || values[j] === null) continue;' +
      '     tried++; try { escape(values[j]); } catch (e) { if (!(e instanceof ReferenceError)) throw e; }' +
      '   }' +
      ' }' +
      ' probe(new Error().stack);' +
      ' probe(Function("return new Error().stack")());' +
      ' [1].map(Function("probe", "probe(new Error().stack)").bind(null, probe));' +
      ' try { Function("{"); } catch (e) { probe(e.stack); }' +
      ' var holder = {}; Error.captureStackTrace(holder); probe(holder.stack);' +
      ' throw new Error("tried " + tried); }';
    await assertFails(engine, code, /Error: tried \d+$/);
  });
});

describe('sandbox escapes: callers, the data passed in, process', () => {
  it('gives no host function to arguments.callee.caller', async () => {
    const attempts = [
      // Getters and toJSON run while the result is serialized.
      `\${ var escape = ${ESCAPE}; var walk = ${CALLER_WALK};` +
        ' var o = { toJSON: function () { walk(escape); return Function("return this")(); } };' +
        ' Object.defineProperty(o, "a", { enumerable: true, get: function () { return walk(escape); } });' +
        ' return [o, Object.defineProperty({}, "b", { enumerable: true, get: Function("w", "e", "return w(e)").bind(null, walk, escape) })]; }',
      // Getters of a thrown value run while the error is described.
      `\${ var escape = ${ESCAPE}; var walk = ${CALLER_WALK};` +
        ' var thrown = {}; ["message", "name", "stack", "code"].forEach(function (k) {' +
        '   Object.defineProperty(thrown, k, { get: Function("w", "e", "w(e); return \'x\'").bind(null, walk, escape) }); });' +
        ' thrown[Symbol.toPrimitive] = Function("w", "e", "w(e); return \'y\'").bind(null, walk, escape);' +
        ' throw thrown; }',
      // Thenables and species constructors must never be called by the engine.
      `\${ var escape = ${ESCAPE}; return { then: Function("r", "var c = arguments.callee.caller; if (c) (${ESCAPE.replace(/"/g, '\\"')})(c); r(1);") }; }`,
    ];
    await assertEachFails(engine, attempts);
  });

  it('passes inputs, self and runtime in as data of the sandbox realm', async () => {
    const attempts = [
      '$(inputs.constructor.constructor("return process")())',
      '$(Object.getPrototypeOf(runtime).constructor.constructor("return process")())',
      '$(self.__proto__.__defineGetter__.constructor("return process")())',
      '$(inputs.arr.map.constructor("return process")())',
      '$(inputs.arr.constructor.constructor("return process")())',
      '$(Object.getOwnPropertyDescriptor(inputs, "x").constructor.constructor("return process")())',
    ];
    await assertEachFails(engine, attempts, /ReferenceError: process is not defined/);
    assert.equal(await engine.evaluate('$(inputs instanceof Object && inputs.arr instanceof Array)', context), true);
  });

  it('has no process, require or process.binding, by any name', async () => {
    const attempts = [
      '$(this.constructor.constructor("return process")().binding("spawn_sync"))',
      '$(globalThis.constructor.constructor("return process")())',
      '$(process.binding("fs"))',
      '$(Function("return this")().process.binding("fs"))',
      '$(require("child_process"))',
      '$(eval("proc" + "ess").mainModule)',
      '$(module.require("fs"))',
      '$(globalThis.process.getBuiltinModule("fs"))',
    ];
    await assertEachFails(engine, attempts);
  });
});

describe('sandbox escapes: results and the wrapper function', () => {
  it('copies results out as JSON data, without running document code in the engine', async () => {
    rmSync(marker, { force: true });
    const species =
      '${ var a = [1, 2]; var escape = ' + ESCAPE + ';' +
      ' a.constructor = {}; a.constructor[Symbol.species] = function () { escape(this); };' +
      ' return a; }';
    assert.deepEqual(await engine.evaluate(species, context), [1, 2]);
    const proxy =
      '${ var escape = ' + ESCAPE + '; var walk = ' + CALLER_WALK + ';' +
      ' return new Proxy({ a: 1 }, { getPrototypeOf: function () { walk(escape); return Object.prototype; },' +
      ' ownKeys: function (t) { walk(escape); return Reflect.ownKeys(t); } }); }';
    assert.deepEqual(await engine.evaluate(proxy, context), { a: 1 });
    const polluting = '${ return JSON.parse(\'{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "a": 1}\'); }';
    const result = (await engine.evaluate(polluting, context)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.equal(result['a'], 1);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    await assertFails(engine, '${ return { then: function (resolve) { resolve(1); } }; }', /not JSON data/);
    await settle(engine);
    assert.equal(existsSync(marker), false);
  });

  it('keeps an expression inside its own function', { timeout: 20_000 }, async () => {
    // Braces in comments balance the CWL scanner, not the JavaScript parser:
    // without a check, the code closes the wrapper and sets the script's value.
    await assertFails(engine, '${ return 1; /* { */ }); "Rnot json" || (function () { /* } */ }', /SyntaxError/);
    await assertFails(engine, '${ return 1; /* { */ }); "R{\\"forged\\": 1}" || (function () { /* } */ }', /SyntaxError/);
    await assertFails(engine, '$(1 /* (( */ ); }); "R2" || (function () { return (0 /* )) */)', /SyntaxError/);
  });
});

describe('sandbox state between evaluations', () => {
  it('does not let one evaluation change built-ins or globals for the next', async () => {
    const engine = new ExpressionEngine({ javascript: true });
    try {
      assert.equal(
        await engine.evaluate(
          '${ Array.prototype.map = function () { return ["hijacked"]; };' +
            ' JSON.stringify = function () { return "hijacked"; };' +
            ' Object.prototype.toJSON = function () { return "hijacked"; };' +
            ' String.prototype.split = function () { return ["hijacked"]; };' +
            ' globalThis.leaked = "secret"; Math = { max: function () { return -1; } }; return 1; }',
          context,
        ),
        1,
      );
      assert.deepEqual(await engine.evaluate('$(inputs.arr.map(function (v) { return v * 2; }))', context), [2, 4]);
      assert.deepEqual(await engine.evaluate('$({"a": "b,c".split(",")})', context), { a: ['b', 'c'] });
      assert.equal(await engine.evaluate('$(typeof leaked)', context), 'undefined');
      assert.equal(await engine.evaluate('$(Math.max(1, 2))', context), 2);
    } finally {
      await engine.close();
    }
  });

  it('runs expressionLib afresh for every evaluation, as cwltool does', async () => {
    const engine = new ExpressionEngine({
      javascript: true,
      expressionLib: ['var counter = 0; function next() { return ++counter; }'],
    });
    try {
      assert.equal(await engine.evaluate('$(next())', context), 1);
      assert.equal(await engine.evaluate('$(next())', context), 1);
      assert.equal(await engine.evaluate('${ next(); next = function () { return 99; }; return next(); }', context), 99);
      assert.equal(await engine.evaluate('$(next())', context), 1);
    } finally {
      await engine.close();
    }
  });

  it('defines inputs, self and runtime as plain data whatever expressionLib did to Object.prototype', async () => {
    const engine = new ExpressionEngine({
      javascript: true,
      expressionLib: ['Object.defineProperty(Object.prototype, "get", { value: function () { return "forged"; } });'],
    });
    try {
      assert.deepEqual(await engine.evaluate('$([inputs.x, Object.getOwnPropertyDescriptor(globalThis, "inputs").value === inputs])', context), [1, true]);
    } finally {
      await engine.close();
    }
  });

  it('lets no callback of an evaluation run after it ended', async () => {
    const engine = new ExpressionEngine({ javascript: true });
    try {
      await assertFails(engine, '${ new FinalizationRegistry(function () { while (true) {} }).register({}, 1); return 1; }');
    } finally {
      await engine.close();
    }
  });
});
