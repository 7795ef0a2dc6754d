/**
 * Joins cwltest's JUnit report and console log into one outcome per test.
 *
 * Two cwltest 2.7 quirks are corrected here:
 * - With `-n`, it labels the k-th reported case with the k-th test of the
 *   (tag-filtered) list instead of the test that actually ran, so cases are
 *   matched to tests by position in the run order, not by their `file`
 *   attribute (which holds the test id when it is right).
 * - A failure with an empty message (a `should_fail` test whose tool exited
 *   0) is written with no `<failure>` element, so it looks passed; the log's
 *   `Test N failed` line marks it failed again.
 * Tool exit code 33 on a test not tagged `required` is reported as
 * `<skipped message="Unsupported">`, which becomes `unsupported`.
 */
import type { CwltestLog } from './cwltest-log.js';
import type { JUnitCase } from './junit.js';
import type { Selection } from './selection.js';

export type Outcome = 'passed' | 'failed' | 'unsupported';

export interface TestResult {
  readonly id: string;
  /** 1-based position in the filtered list, as cwltest numbers it. */
  readonly number: number;
  readonly outcome: Outcome;
  readonly timedOut: boolean;
  readonly message?: string;
}

export interface Attribution {
  readonly results: readonly TestResult[];
  /** Signs that the harness's view of the suite disagrees with cwltest's. */
  readonly warnings: readonly string[];
}

export const NO_RESULT_MESSAGE = 'no result in the JUnit report';

export function attributeResults(cases: readonly JUnitCase[], selection: Selection, log: CwltestLog): Attribution {
  const { filtered, numbers } = selection;
  const warnings: string[] = [];
  const results: TestResult[] = [];

  if (cases.length > numbers.length) {
    warnings.push(`the JUnit report has ${cases.length} test cases but ${numbers.length} tests were selected`);
  }
  numbers.forEach((number, k) => {
    const test = filtered[number - 1]!;
    const logged = log.started.get(number);
    if (logged !== undefined && logged !== test.id) {
      warnings.push(`cwltest ran test ${number} as "${logged}", the harness expected "${test.id}"`);
    }
    const junitCase = cases[k];
    const label = junitCase?.attributes['file'];
    if (label !== undefined && label !== test.id && label !== filtered[k]?.id) {
      warnings.push(`JUnit case ${k + 1} is labelled "${label}", the harness expected "${test.id}"`);
    }
    const failure = log.failures.get(number);
    let outcome: Outcome;
    let message: string | undefined;
    if (junitCase === undefined) {
      outcome = 'failed';
      message = NO_RESULT_MESSAGE;
    } else {
      outcome = junitCase.outcome === 'passed' ? 'passed' : junitCase.outcome === 'skipped' ? 'unsupported' : 'failed';
      message = junitCase.message;
    }
    if (failure !== undefined && outcome !== 'failed') {
      outcome = 'failed';
      message =
        failure === 'timeout'
          ? 'Test timed out'
          : test.shouldFail
            ? 'the tool succeeded but the test expects it to fail'
            : 'cwltest logged a failure that the JUnit report omits';
    }
    results.push({
      id: test.id,
      number,
      outcome,
      timedOut: failure === 'timeout',
      ...(message !== undefined ? { message } : {}),
    });
  });
  return { results, warnings };
}
