import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputParameter } from '../../src/model/types.js';
import { parseToolInputs } from '../../src/cli/toolInputs.js';
import { splitArgv } from '../../src/cli/splitArgv.js';

const inputs: InputParameter[] = [
  { id: 'rec', type: { type: 'record', fields: [{ name: 'name', type: 'string' }, { name: 'inner', type: { type: 'record', fields: [{ name: 'n', type: 'int' }] } }] } },
  { id: 'a', type: 'int' },
  { id: 'xs', type: { type: 'array', items: 'int' } },
];

test('--rec.field value fills a record input, nested records too; -a names a one-letter input', () => {
  const job = parseToolInputs(['--rec.name', 'foo', '--rec.inner.n', '3', '-a', '-4', '--xs', '1', '2'], inputs, '/');
  assert.deepEqual(job, { rec: { name: 'foo', inner: { n: 3 } }, a: -4, xs: [1, 2] });
});

test('a field the record does not have is named, with the record', () => {
  assert.throws(() => parseToolInputs(['--rec.nope', 'x'], inputs, '/'), /unknown tool input '--rec.nope': 'rec' has no record field 'nope'/);
  assert.throws(() => parseToolInputs(['--zzz', 'x'], inputs, '/'), /the tool's inputs are: --rec.name, --rec.inner.n, --a, --xs/);
});

test("'-' after the document is the job object on standard input, not an option", () => {
  assert.deepEqual(splitArgv(['--quiet', 'tool.cwl', '-', '--a', '1']), { engine: ['--quiet'], document: 'tool.cwl', jobFile: '-', toolInputs: ['--a', '1'] });
});

test('an integer past 2^53 on the command line is refused naming the input (exit 33), not rounded', () => {
  assert.throws(() => parseToolInputs(['--a', '9007199254740993'], inputs, '/'), (error: unknown) => {
    assert.equal((error as { exitCode?: number }).exitCode, 33);
    assert.match(String(error), /command line: tool input '--a': 9007199254740993 is an integer beyond ±2\^53, .* rather than run with 9007199254740992/);
    return true;
  });
  assert.deepEqual(parseToolInputs(['--a', '9007199254740992'], inputs, '/'), { a: 2 ** 53 });
});
