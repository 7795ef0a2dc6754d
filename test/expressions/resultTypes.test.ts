import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentFailure } from '../../src/errors.js';
import { describeResult, expectOptionalBoolean, expectOptionalString, expectString, expectStrings } from '../../src/expressions/resultTypes.js';

test('a result is described by its JSON type and a bounded preview of its value', () => {
  assert.equal(describeResult(42), 'a number (42)');
  assert.equal(describeResult(null), 'null');
  assert.equal(describeResult(undefined), 'null');
  assert.equal(describeResult([1]), 'an array ([1])');
  assert.equal(describeResult({ a: 'b' }), 'an object ({"a":"b"})');
  assert.equal(describeResult('x'.repeat(500)).length, 'a string ()'.length + 80);
});

test('each field takes only the types the spec allows, and the refusal names the field', () => {
  assert.equal(expectString('out.txt', 'stdout', 'tool.cwl'), 'out.txt');
  assert.throws(() => expectString(42, 'stdout', 'tool.cwl'),
    (e: unknown) => e instanceof PermanentFailure && e.exitCode === 1
      && e.message === "tool.cwl: the 'stdout' expression must evaluate to a string, but it gave a number (42)");
  assert.equal(expectOptionalString(null, 'stdin', 'w'), undefined);
  assert.throws(() => expectOptionalString(false, 'stdin', 'w'), /'stdin' expression must evaluate to a string or null, but it gave a boolean \(false\)/);
  assert.deepEqual(expectStrings('*.txt', 'glob', 'w', true), ['*.txt']);
  assert.deepEqual(expectStrings(['a', 'b'], 'glob', 'w', true), ['a', 'b']);
  assert.deepEqual(expectStrings(null, 'glob', 'w', true), []);
  assert.throws(() => expectStrings(null, 'format', 'w', false), /'format' expression must evaluate to a string or an array of strings, but it gave null/);
  assert.throws(() => expectStrings(['a', 1], 'glob', 'w', true), /gave an array \(\["a",1\]\)/);
  assert.equal(expectOptionalBoolean(true, 'required', 'w'), true);
  assert.equal(expectOptionalBoolean(null, 'required', 'w'), undefined);
  assert.throws(() => expectOptionalBoolean('yes', 'required', 'w'), /'required' expression must evaluate to a boolean or null, but it gave a string \("yes"\)/);
});
