import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCwltestLog } from '../../conformance/cwltest-log.js';

// Abridged from a cwltest 2.7 run with -j 2 (lines interleave).
const LOG = [
  'Test [1/378] cl_basic_generation: General test of command line generation',
  '',
  'Test [17/378] expression_any_nodefaultany: Test Any without defaults cannot be unspecified.',
  '',
  'Test 17 failed: bespin --outdir=/tmp/tmpabc --quiet tests/null-expression2-tool.cwl tests/empty.json',
  'Test Any without defaults cannot be unspecified.',
  'Returned zero but it should be non-zero',
  '\rTest [20/378] any_outputSource_compatibility: Testing Any type compatibility in outputSource',
  'Test 20 timed out: bespin --outdir=/tmp/tmpdef --quiet tests/any-type-compat.cwl tests/any-type-job.json',
  'Test 20 failed: bespin --outdir=/tmp/tmpdef --quiet tests/any-type-compat.cwl tests/any-type-job.json',
  '1 tests passed, 2 failures, 0 unsupported features',
].join('\n');

describe('parseCwltestLog', () => {
  it('maps test numbers to short names and failures', () => {
    const log = parseCwltestLog(LOG);
    assert.deepEqual(
      [...log.started],
      [
        [1, 'cl_basic_generation'],
        [17, 'expression_any_nodefaultany'],
        [20, 'any_outputSource_compatibility'],
      ],
    );
    assert.deepEqual([...log.failures], [
      [17, 'failed'],
      [20, 'timeout'],
    ]);
    assert.deepEqual(log.tally, { passed: 1, failed: 2, unsupported: 0 });
  });

  it('reads the tally without failures', () => {
    assert.deepEqual(parseCwltestLog('3 tests passed, 2 unsupported features\n').tally, {
      passed: 3,
      failed: 0,
      unsupported: 2,
    });
    assert.equal(parseCwltestLog('All tests passed\n').tally, undefined);
  });
});
