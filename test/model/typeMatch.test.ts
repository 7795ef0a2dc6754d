import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CwlType } from '../../src/model/types.js';
import { describeType, enumSymbol, matchesType, matchType, withShortEnumSymbols } from '../../src/model/typeMatch.js';

const file = { class: 'File', location: 'file:///x' };
const mode: CwlType = { type: 'enum', symbols: ['fast', 'slow'] };

test('primitives match without coercion; null matches only null, Any everything else', () => {
  assert.ok(matchesType('int', 3));
  assert.ok(!matchesType('int', 3.5));
  assert.ok(matchesType('double', 3));
  assert.ok(!matchesType('string', 3));
  assert.ok(matchesType('File', file));
  assert.ok(!matchesType('Directory', file));
  assert.ok(matchesType('null', undefined));
  assert.ok(!matchesType('Any', null));
  assert.ok(matchesType('Any', [file, 1]));
});

test('a union resolves to its first matching branch, at every level of an array', () => {
  const mixed: CwlType = { type: 'array', items: ['int', 'string', 'File'] };
  const matched = matchType(['null', mixed], [1, 'a', file]);
  assert.equal(matched?.kind, 'array');
  assert.deepEqual(matched.kind === 'array' ? matched.items.map((m) => m.type) : [], ['int', 'string', 'File']);
  assert.equal(matchType(mixed, [1, true]), undefined);
});

test('a record matches when every field does; a missing field matches only an optional type', () => {
  const rec: CwlType = { type: 'record', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: ['null', 'string'] }] };
  const matched = matchType(rec, { a: 1 });
  assert.equal(matched?.kind, 'record');
  assert.equal(matched.kind === 'record' ? matched.fields.get('b')?.type : undefined, 'null');
  assert.equal(matchType(rec, { b: 'x' }), undefined);
});

test('enum symbols match by their short name and are given back short', () => {
  assert.equal(enumSymbol('https://example.org/schema.yml#Mode/fast'), 'fast');
  assert.equal(enumSymbol('fast'), 'fast');
  assert.ok(matchesType(mode, 'file:///s.yml#Mode/slow'));
  assert.ok(!matchesType(mode, 'medium'));
  const rec: CwlType = { type: 'record', fields: [{ name: 'm', type: mode }] };
  assert.deepEqual(withShortEnumSymbols({ type: 'array', items: ['null', rec] }, [{ m: 'x#Mode/slow', other: 1 }, null]), [{ m: 'slow', other: 1 }, null]);
});

test('an enum symbol written as a path-style IRI (no #) is named by its last path segment, as schema-salad has it', () => {
  assert.equal(enumSymbol('http://www.opengis.net/def/crs/OGC/1.3/CRS84'), 'CRS84');
  assert.equal(enumSymbol('http://www.opengis.net/def/crs/EPSG/0/4326'), '4326');
  assert.equal(enumSymbol('a/b'), 'a/b');
});

test('types are described the way a user writes them', () => {
  assert.equal(describeType(['null', { type: 'array', items: 'File' }]), 'File[]?');
  assert.equal(describeType(['null', 'int', 'string']), 'null | int | string');
  assert.equal(describeType(mode), 'enum(fast, slow)');
});
