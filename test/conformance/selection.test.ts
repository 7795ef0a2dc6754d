import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandNumberRange, selectTests, SelectionError } from '../../conformance/selection.js';
import type { SuiteTest } from '../../conformance/suite.js';

const test = (id: string, ...tags: string[]): SuiteTest => ({ id, tags, doc: '', shouldFail: false, tool: '', job: undefined, output: undefined });
const SUITE = [test('a', 'required'), test('b', 'docker'), test('c', 'docker', 'required'), test('d')];

describe('selectTests', () => {
  it('selects everything, in order, by default', () => {
    const s = selectTests(SUITE, {});
    assert.deepEqual(s.filtered, SUITE);
    assert.deepEqual(s.numbers, [1, 2, 3, 4]);
  });

  it('filters by tags before numbering, like cwltest', () => {
    const s = selectTests(SUITE, { tags: 'docker,nothing' });
    assert.deepEqual(s.filtered.map((t) => t.id), ['b', 'c']);
    assert.deepEqual(s.numbers, [1, 2]);
  });

  it('applies --exclude-tags after --tags, then -n in the order given', () => {
    const s = selectTests(SUITE, { excludeTags: 'docker', numbers: '2,1' });
    assert.deepEqual(s.filtered.map((t) => t.id), ['a', 'd']);
    assert.deepEqual(s.numbers, [2, 1]);
  });

  it('rejects numbers past the end of the filtered list', () => {
    assert.throws(() => selectTests(SUITE, { tags: 'docker', numbers: '3' }), SelectionError);
  });
});

describe('expandNumberRange', () => {
  it('expands ranges and single numbers', () => {
    assert.deepEqual(expandNumberRange('1,3-6,9'), [1, 3, 4, 5, 6, 9]);
    assert.deepEqual(expandNumberRange('7'), [7]);
  });

  it('rejects malformed specs', () => {
    for (const bad of ['', '0', '4-2', 'a', '1-', '1,,2']) {
      assert.throws(() => expandNumberRange(bad), SelectionError, bad);
    }
  });
});
