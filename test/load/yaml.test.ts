import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../src/load/yaml.js';
import { LoadLimitError, documentSizeLimit, DEFAULT_LIMITS, type SizeLimit } from '../../src/load/limits.js';
import { ValidationError } from '../../src/errors.js';
import { aliasBomb } from './hugeDocuments.js';

const URI = 'file:///docs/doc.yml';
const LIMIT: SizeLimit = documentSizeLimit(DEFAULT_LIMITS);

test('aliases within the limit share one value, and the expanded size counts each alias', () => {
  const text = 'a: &w [x, y, z]\nb: *w\nc: *w\n';
  const { value, bytes } = parseYaml(text, URI, LIMIT);
  assert.deepEqual(value, { a: ['x', 'y', 'z'], b: ['x', 'y', 'z'], c: ['x', 'y', 'z'] });
  const plain = parseYaml('a: [x, y, z]\nb: [x, y, z]\nc: [x, y, z]\n', URI, LIMIT);
  assert.equal(bytes, plain.bytes);
});

test('an alias bomb is refused at the alias that passes the limit, with file, line, column and limit', () => {
  const small: SizeLimit = { bytes: 10_000, what: 'document', variable: 'BESPIN_MAX_DOCUMENT_BYTES' };
  assert.throws(() => parseYaml(aliasBomb(), URI, small), (error: unknown) => {
    assert.ok(error instanceof LoadLimitError);
    assert.match(error.message, /^\/docs\/doc\.yml:4:15: YAML aliases expand the document to more than the 9\.8 KiB limit \(BESPIN_MAX_DOCUMENT_BYTES\)/);
    return true;
  });
  assert.throws(() => parseYaml(aliasBomb(), URI, LIMIT), /doc\.yml:\d+:\d+: YAML aliases expand the document to more than the 16 MiB limit/);
});

test('a recursive alias is refused instead of building a cycle', () => {
  assert.throws(() => parseYaml('a: &a\n  b: *a\n', URI, LIMIT), (error: unknown) => {
    assert.ok(error instanceof ValidationError && !(error instanceof LoadLimitError));
    assert.match(error.message, /^\/docs\/doc\.yml:2:7: the alias \*a is inside the node it refers to/);
    return true;
  });
});

test('JSON takes the fast path with the same result; YAML flow mappings and bad JSON still go to the YAML parser', () => {
  const json = '{"a": [1, 2.5, "x", null, true], "b": {"c": "2001-01-01"}}';
  assert.deepEqual(parseYaml(json, URI, LIMIT), { value: JSON.parse(json), bytes: json.length });
  assert.deepEqual(parseYaml('{a: 1, b: [x]}', URI, LIMIT).value, { a: 1, b: ['x'] });
  assert.throws(() => parseYaml('{"a": [1, 2}', URI, LIMIT), /^ValidationError: \/docs\/doc\.yml:1:\d+: not valid YAML/);
});

test('empty input and several documents are refused as before', () => {
  assert.throws(() => parseYaml('# nothing\n', URI, LIMIT), /not valid YAML: expected a document, but the input is empty/);
  assert.throws(() => parseYaml('a: 1\n---\nb: 2\n', URI, LIMIT), /not valid YAML: expected a single document/);
  assert.equal(parseYaml('---\n', URI, LIMIT).value, null);
});
