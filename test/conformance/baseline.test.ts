import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBaseline, formatBaseline, parseBaseline, updateBaseline } from '../../conformance/baseline.js';
import type { Outcome, TestResult } from '../../conformance/results.js';

const result = (id: string, outcome: Outcome, message?: string): TestResult => ({
  id,
  number: 0,
  outcome,
  timedOut: false,
  ...(message !== undefined ? { message } : {}),
});

describe('parseBaseline / formatBaseline', () => {
  it('reads one id per line, skipping blanks and comments', () => {
    assert.deepEqual(parseBaseline('b\n\n# note\n  a  \r\nc'), ['b', 'a', 'c']);
    assert.deepEqual(parseBaseline(''), []);
  });

  it('writes sorted unique ids with a final newline, or nothing', () => {
    assert.equal(formatBaseline(['b', 'a', 'b', 'A']), 'A\na\nb\n');
    assert.equal(formatBaseline([]), '');
  });
});

describe('checkBaseline', () => {
  const knownIds = new Set(['a', 'b', 'c', 'd', 'e']);

  it('reports baseline tests that ran and did not pass', () => {
    const check = checkBaseline(
      ['a', 'b', 'c', 'd', 'e', 'gone'],
      [result('a', 'passed'), result('b', 'failed', 'boom'), result('c', 'unsupported'), result('x', 'failed')],
      { selectedIds: new Set(['a', 'b', 'c', 'd']), knownIds },
    );
    assert.deepEqual(check.regressions, [
      { id: 'b', outcome: 'failed', message: 'boom' },
      { id: 'c', outcome: 'unsupported' },
      { id: 'd', outcome: 'missing' },
    ]);
    assert.deepEqual(check.unknown, ['gone']);
    assert.deepEqual(check.notRun, ['e']);
  });

  it('passes when every selected baseline test passed', () => {
    const check = checkBaseline(['a'], [result('a', 'passed'), result('b', 'failed')], {
      selectedIds: new Set(['a', 'b']),
      knownIds,
    });
    assert.deepEqual(check, { regressions: [], unknown: [], notRun: [] });
  });
});

describe('updateBaseline', () => {
  it('adds newly passing tests and never removes any', () => {
    const { ids, added } = updateBaseline(
      ['c', 'a'],
      [result('a', 'failed'), result('d', 'passed'), result('b', 'passed'), result('e', 'unsupported')],
    );
    assert.deepEqual(ids, ['a', 'b', 'c', 'd']);
    assert.deepEqual(added, ['b', 'd']);
  });
});
