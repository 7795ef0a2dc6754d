import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isExpression } from '../../src/expressions/index.js';
import { cwlJsonDumps } from '../../src/expressions/jsonDumps.js';
import { parseParameterReference } from '../../src/expressions/parameterReference.js';
import { parseTemplate, type ExpressionSegment } from '../../src/expressions/template.js';

function sources(text: string): string[] {
  return parseTemplate(text)
    .parts.filter((part): part is ExpressionSegment => typeof part !== 'string')
    .map((part) => part.source);
}

describe('isExpression', () => {
  it('detects unescaped $( and ${', () => {
    assert.equal(isExpression('$(inputs.x)'), true);
    assert.equal(isExpression('a ${ return 1; } b'), true);
    assert.equal(isExpression('plain text'), false);
    assert.equal(isExpression('$x and $ (y)'), false);
    assert.equal(isExpression('\\$(inputs.x)'), false);
    assert.equal(isExpression('\\${x}'), false);
    assert.equal(isExpression('\\\\$(inputs.x)'), true);
    assert.equal(isExpression('$'), false);
  });
});

describe('parseTemplate', () => {
  it('finds a whole-string expression only when nothing surrounds it', () => {
    assert.equal(parseTemplate('$(inputs.x)').whole?.source, '$(inputs.x)');
    assert.equal(parseTemplate('${ return 1; }').whole?.kind, 'body');
    assert.equal(parseTemplate(' $(inputs.x)').whole, null);
    assert.equal(parseTemplate('$(inputs.x)\n').whole, null);
    assert.equal(parseTemplate('$(inputs.x)$(inputs.y)').whole, null);
  });

  it('respects nesting and string literals inside the code', () => {
    assert.deepEqual(sources('a $(inputs.x + ")") b'), ['$(inputs.x + ")")']);
    assert.deepEqual(sources('${ return {"a": 1}; }'), ['${ return {"a": 1}; }']);
    assert.deepEqual(sources("$(f(g(1), '(' + \"}\"))x$(y)"), [
      "$(f(g(1), '(' + \"}\"))",
      '$(y)',
    ]);
    assert.deepEqual(sources('${ return "\\"}"; }'), ['${ return "\\"}"; }']);
    // Like cwltool, a ${...} body only counts braces, so an unbalanced paren
    // in a regular expression literal is fine.
    assert.deepEqual(sources('${ return /\\(/.test(x); }'), ['${ return /\\(/.test(x); }']);
    assert.deepEqual(sources('${ return `}`; }'), ['${ return `}`; }']);
  });

  it('applies the v1.2 escaping rules', () => {
    assert.deepEqual(parseTemplate('\\$(inputs.x)').parts, ['$(inputs.x)']);
    assert.deepEqual(parseTemplate('\\${x}').parts, ['${x}']);
    assert.deepEqual(parseTemplate('a\\\\b').parts, ['a\\b']);
    assert.deepEqual(parseTemplate('a\\nb\\$c').parts, ['a\\nb\\$c']);
    assert.deepEqual(parseTemplate('end\\').parts, ['end\\']);
    const parts = parseTemplate('\\\\$(inputs.x)').parts;
    assert.equal(parts[0], '\\');
    assert.equal((parts[1] as ExpressionSegment).source, '$(inputs.x)');
  });

  it('rejects an unfinished expression', () => {
    assert.throws(() => parseTemplate('echo $(inputs.x'), /unfinished expression/);
    assert.throws(() => parseTemplate('${ return 1;'), /Expression failed/);
  });
});

describe('parseParameterReference', () => {
  it('accepts the grammar of concepts.md', () => {
    assert.deepEqual(parseParameterReference('inputs.x'), { root: 'inputs', keys: ['x'] });
    assert.deepEqual(parseParameterReference('self[0].path'), { root: 'self', keys: ['0', 'path'] });
    assert.deepEqual(parseParameterReference("inputs['a b']"), { root: 'inputs', keys: ['a b'] });
    assert.deepEqual(parseParameterReference('inputs["x"].length'), {
      root: 'inputs',
      keys: ['x', 'length'],
    });
    assert.deepEqual(parseParameterReference('runtime.outdir'), { root: 'runtime', keys: ['outdir'] });
    assert.deepEqual(parseParameterReference('null'), { root: 'null', keys: [] });
  });

  it('leaves everything else to JavaScript', () => {
    assert.equal(parseParameterReference('inputs.x + 1'), null);
    assert.equal(parseParameterReference('inputs.f()'), null);
    assert.equal(parseParameterReference('inputs[i]'), null);
    assert.equal(parseParameterReference('inputs.my-input'), null);
  });
});

describe('cwlJsonDumps', () => {
  it('matches Python json.dumps(sort_keys=True)', () => {
    assert.equal(cwlJsonDumps({ b: [1, 2.5, null], a: 'é' }), '{"a": "\\u00e9", "b": [1, 2.5, null]}');
    assert.equal(cwlJsonDumps([]), '[]');
    assert.equal(cwlJsonDumps({}), '{}');
    assert.equal(cwlJsonDumps(null), 'null');
    assert.equal(cwlJsonDumps(true), 'true');
    assert.equal(cwlJsonDumps(1e-7), '1e-07');
    assert.equal(cwlJsonDumps('a"b'), '"a\\"b"');
  });
});
