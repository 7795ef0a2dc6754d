import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CwlType } from '../../src/model/types.js';
import { checkOutputValue } from '../../src/validate/outputValue.js';
import { completeJobObject } from '../../src/validate/jobObject.js';

const file = { class: 'File', location: 'file:///x' };
const files: CwlType = { type: 'array', items: 'File' };
const mode: CwlType = { type: 'enum', symbols: ['fast', 'slow'] };

test('null items in an array output: a warning by default, a failure under --strict, naming the output', () => {
  const warnings: string[] = [];
  const lenient = { strict: false, warn: (m: string) => warnings.push(m) };
  assert.deepEqual(checkOutputValue(files, [file, null], "t: output 'files'", lenient), [file, null]);
  assert.match(warnings[0]!, /t: output 'files': null items in an array of type File\[\]; accepted as cwltool does/);
  assert.throws(() => checkOutputValue(files, [file, null], "t: output 'files'", { ...lenient, strict: true }), /t: output 'files' should be File\[\], got an array with null items \(refused under --strict/);
  assert.throws(() => checkOutputValue(files, [file, 3], "t: output 'files'", lenient), /should be File\[\], got \[/);
});

test('enum symbols written as full IRIs are their short names, in outputs and in job objects', () => {
  const lenient = { strict: true, warn: () => undefined };
  assert.equal(checkOutputValue(mode, 'https://example.org/schema.yml#Mode/slow', 'o', lenient), 'slow');
  assert.deepEqual(checkOutputValue({ type: 'array', items: mode }, ['fast', 'file:///s.yml#Mode/slow'], 'o', lenient), ['fast', 'slow']);
  assert.throws(() => checkOutputValue(mode, 'https://example.org/schema.yml#Mode/medium', 'o', lenient), /should be enum\(fast, slow\)/);
  const job = completeJobObject([{ id: 'm', type: ['null', mode] }], { m: 'https://example.org/schema.yml#Mode/fast' }, 'job');
  assert.deepEqual(job, { m: 'fast' });
});
