import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { after, describe, it } from 'node:test';
import { ExpressionEngine, ExpressionError } from '../../src/expressions/index.js';

const file = { class: 'File', path: '/data/a.txt', basename: 'a.txt', size: 3 };
const context = {
  inputs: {
    x: 3,
    name: 'hello',
    flag: false,
    nothing: null,
    obj: { b: 1, a: [1, 'two', null] },
    arr: [10, 20, 30],
    files: [file],
    'a b': 'spaced',
  },
  self: [file],
  runtime: { outdir: '/out', cores: 2 },
};

// One engine without JavaScript for every suite of this file.
const engine = new ExpressionEngine({ javascript: false });
after(() => engine.close());

describe('parameter references without InlineJavascriptRequirement', () => {
  it('returns non-strings and strings without expressions unchanged', async () => {
    const object = { a: 1 };
    assert.equal(await engine.evaluate(object, context), object);
    assert.equal(await engine.evaluate(42, context), 42);
    assert.equal(await engine.evaluate('no expressions \\ here', context), 'no expressions \\ here');
  });

  it('returns the raw value of a whole-string reference without copying it', async () => {
    assert.equal(await engine.evaluate('$(inputs.x)', context), 3);
    assert.equal(await engine.evaluate('$(inputs.nothing)', context), null);
    assert.equal(await engine.evaluate('$(inputs.flag)', context), false);
    assert.equal(await engine.evaluate('$(inputs.obj)', context), context.inputs.obj);
    assert.equal(await engine.evaluate('$(null)', context), null);
  });

  it('supports every segment form of the grammar', async () => {
    assert.equal(await engine.evaluate('$(self[0].path)', context), '/data/a.txt');
    assert.equal(await engine.evaluate('$(runtime.outdir)', context), '/out');
    assert.equal(await engine.evaluate("$(inputs['a b'])", context), 'spaced');
    assert.equal(await engine.evaluate('$(inputs["x"])', context), 3);
    assert.equal(await engine.evaluate('$(inputs.obj.a[1])', context), 'two');
    assert.equal(await engine.evaluate("$(inputs.files[0]['basename'])", context), 'a.txt');
  });

  it('gives the length of arrays and strings', async () => {
    assert.equal(await engine.evaluate('$(self.length)', context), 1);
    assert.equal(await engine.evaluate('$(inputs.arr.length)', context), 3);
    assert.equal(await engine.evaluate('$(inputs.name.length)', context), 5);
    assert.equal(await engine.evaluate('$(inputs.name[1])', context), 'e');
  });
});

describe('parameter references: missing values and null', () => {
  it('rejects missing keys and out-of-range indexes, as cwltool does without JavaScript', async () => {
    await assert.rejects(engine.evaluate('$(inputs.missing)', context), /'missing' is not a field of the object/);
    await assert.rejects(engine.evaluate('$(inputs.arr[7])', context), /'7' is not a field of the list/);
    await assert.rejects(engine.evaluate('$(inputs.x.y)', context), /'y' is not a field of the number 3/);
  });

  it('yields null for missing keys when JavaScript is enabled, like JavaScript', async () => {
    const js = new ExpressionEngine({ javascript: true });
    try {
      assert.equal(await js.evaluate('$(inputs.missing)', context), null);
      assert.equal(await js.evaluate('$(inputs.arr[7])', context), null);
      assert.equal(await js.evaluate('$(inputs.x.y)', context), null);
    } finally {
      await js.close();
    }
  });

  it('fails when indexing into null, naming the expression', async () => {
    await assert.rejects(engine.evaluate('$(inputs.nothing.y)', context), (error: unknown) => {
      assert.ok(error instanceof ExpressionError);
      assert.equal(error.expression, '$(inputs.nothing.y)');
      assert.match(
        error.message,
        /^Expression failed: \$\(inputs\.nothing\.y\): TypeError: Cannot read properties of null \(reading 'y'\)$/,
      );
      return true;
    });
    await assert.rejects(engine.evaluate('a $(inputs.nothing[0]) b', context), /of null \(reading '0'\)/);
  });
});

describe('parameter references: interpolation, JavaScript and the fast path', () => {
  it('interpolates numbers, objects, arrays and null as JSON', async () => {
    assert.equal(await engine.evaluate('n=$(inputs.x)!', context), 'n=3!');
    assert.equal(await engine.evaluate('$(inputs.name) $(inputs.name)', context), 'hello hello');
    assert.equal(await engine.evaluate('o=$(inputs.obj)', context), 'o={"a": [1, "two", null], "b": 1}');
    assert.equal(await engine.evaluate('[$(inputs.arr)]', context), '[[10, 20, 30]]');
    assert.equal(await engine.evaluate('v=$(inputs.nothing)', context), 'v=null');
    assert.equal(await engine.evaluate('$(inputs.flag)$(inputs.x)', context), 'false3');
  });

  it('applies escapes while interpolating', async () => {
    assert.equal(await engine.evaluate('\\$(inputs.x) is $(inputs.x)', context), '$(inputs.x) is 3');
    assert.equal(await engine.evaluate('\\${x} $(inputs.x)', context), '${x} 3');
    assert.equal(await engine.evaluate('\\\\$(inputs.x)', context), '\\3');
    assert.equal(await engine.evaluate('a\\b $(inputs.x)', context), 'a\\b 3');
  });

  it('strips surrounding whitespace unless asked to keep it', async () => {
    assert.equal(await engine.evaluate('$(inputs.x)\n', context, undefined, { stripWhitespace: false }), '3\n');
    assert.equal(await engine.evaluate('$(inputs.x)\n', context), 3);
    assert.equal(
      await engine.evaluate('  a $(inputs.x) ', context, undefined, { stripWhitespace: true }),
      'a 3',
    );
  });

  it('rejects JavaScript, naming InlineJavascriptRequirement', async () => {
    await assert.rejects(engine.evaluate('${ return 1; }', context), /InlineJavascriptRequirement/);
    await assert.rejects(engine.evaluate('$(inputs.x + 1)', context), /InlineJavascriptRequirement/);
    await assert.rejects(engine.evaluate('$(foo.bar)', context), /foo is not defined.*InlineJavascriptRequirement/);
    await assert.rejects(engine.evaluate('$(inputs.arr.map)', context), /InlineJavascriptRequirement/);
    await assert.rejects(engine.evaluate('$(inputs.x', context), /unfinished expression/);
  });
});

describe('parameter references: the fast path', () => {
  it('does not start a worker for references, even with JavaScript enabled (fast path)', async () => {
    let workersStarted = 0;
    const onWorker = (): void => {
      workersStarted++;
    };
    diagnosticsChannel.subscribe('worker_threads', onWorker);
    try {
      const js = new ExpressionEngine({ javascript: true });
      const count = 2000;
      const started = performance.now();
      for (let i = 0; i < count; i++) await js.evaluate('$(inputs.files[0].path)', context);
      const referenceMs = (performance.now() - started) / count;
      assert.equal(await js.evaluate('p=$(self[0].size) $(runtime.outdir)', context), 'p=3 /out');
      assert.equal(workersStarted, 0);
      // The first JavaScript evaluation does start one.
      assert.equal(await js.evaluate('$(self[0].size + 1)', context), 4);
      assert.equal(workersStarted, 1);
      // The baseline, measured here: a warm round trip to that worker. A
      // ratio, which a loaded machine slows alike on both sides.
      const jsStarted = performance.now();
      for (let i = 0; i < count; i++) await js.evaluate('$(inputs.files[0].path + "")', context);
      const javascriptMs = (performance.now() - jsStarted) / count;
      assert.ok(referenceMs < javascriptMs / 4, `a reference took ${referenceMs} ms, a JavaScript round trip ${javascriptMs} ms`);
      await js.close();
    } finally {
      diagnosticsChannel.unsubscribe('worker_threads', onWorker);
    }
  });
});
