import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CwltestLog } from '../../conformance/cwltest-log.js';
import type { JUnitCase, JUnitOutcome } from '../../conformance/junit.js';
import { attributeResults, NO_RESULT_MESSAGE } from '../../conformance/results.js';
import type { SuiteTest } from '../../conformance/suite.js';

const test = (id: string, shouldFail = false): SuiteTest => ({ id, tags: [], doc: '', shouldFail, tool: '', job: undefined, output: undefined });
const junitCase = (file: string, outcome: JUnitOutcome, message?: string): JUnitCase => ({
  attributes: { file },
  outcome,
  ...(message !== undefined ? { message } : {}),
});
const emptyLog: CwltestLog = { started: new Map(), failures: new Map() };
const SUITE = [test('t1'), test('t2'), test('t3', true), test('t4')];

describe('attributeResults', () => {
  it('maps cases to tests in run order', () => {
    const cases = [junitCase('t1', 'passed'), junitCase('t2', 'failed', 'boom'), junitCase('t3', 'skipped', 'Unsupported')];
    const { results, warnings } = attributeResults(cases, { filtered: SUITE, numbers: [1, 2, 3] }, emptyLog);
    assert.deepEqual(warnings, []);
    assert.deepEqual(results, [
      { id: 't1', number: 1, outcome: 'passed', timedOut: false },
      { id: 't2', number: 2, outcome: 'failed', timedOut: false, message: 'boom' },
      { id: 't3', number: 3, outcome: 'unsupported', timedOut: false, message: 'Unsupported' },
    ]);
  });

  it('ignores the labels cwltest 2.7 gets wrong with -n', () => {
    // -n 4,2: cwltest labels the cases with tests 1 and 2 of the list.
    const cases = [junitCase('t1', 'failed', 'x'), junitCase('t2', 'passed')];
    const log: CwltestLog = {
      started: new Map([
        [4, 't4'],
        [2, 't2'],
      ]),
      failures: new Map([[4, 'failed']]),
    };
    const { results, warnings } = attributeResults(cases, { filtered: SUITE, numbers: [4, 2] }, log);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      results.map((r) => [r.id, r.outcome]),
      [
        ['t4', 'failed'],
        ['t2', 'passed'],
      ],
    );
  });
});

describe('attributeResults: failures and disagreements', () => {
  it('marks failures the log reports but the JUnit report omits', () => {
    const log: CwltestLog = {
      started: new Map(),
      failures: new Map([
        [3, 'failed'],
        [4, 'timeout'],
      ]),
    };
    const cases = [junitCase('t3', 'passed'), junitCase('t4', 'failed', 'Test timed out')];
    const { results } = attributeResults(cases, { filtered: SUITE, numbers: [3, 4] }, log);
    assert.deepEqual(results, [
      { id: 't3', number: 3, outcome: 'failed', timedOut: false, message: 'the tool succeeded but the test expects it to fail' },
      { id: 't4', number: 4, outcome: 'failed', timedOut: true, message: 'Test timed out' },
    ]);
  });

  it('counts selected tests without a case as failed', () => {
    const { results } = attributeResults([junitCase('t1', 'passed')], { filtered: SUITE, numbers: [1, 2] }, emptyLog);
    assert.deepEqual(results[1], { id: 't2', number: 2, outcome: 'failed', timedOut: false, message: NO_RESULT_MESSAGE });
  });

  it('warns when cwltest and the harness disagree about the suite', () => {
    const log: CwltestLog = { started: new Map([[1, 'other']]), failures: new Map() };
    const { warnings } = attributeResults(
      [junitCase('zzz', 'passed'), junitCase('t2', 'passed')],
      { filtered: SUITE, numbers: [1] },
      log,
    );
    assert.equal(warnings.length, 3);
  });
});
