import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locate } from '../../src/validate/documentPlaces.js';

const anchors = [{ field: 'steps' }, { entry: 's2' }, { field: 'in' }, { entry: 'x' }, { value: 'a/typo' }] as const;

test('map form: each name is looked for under the one before, so an equal name elsewhere is passed over', () => {
  const text = [
    'inputs:',
    '  s2: string',          // an input named like the step
    'steps:',
    '  s1:',
    '    in: {x: a/typo}',   // the same value under another step
    '  s2:',
    '    in:',
    '      x: a/typo',
  ].join('\n');
  assert.deepEqual(locate(text, anchors), { line: 8, column: 10 });
});

test('list form with ids, and a workflow written inline before the step\'s own `in`', () => {
  const text = [
    'steps:',
    '  - id: s2',
    '    run:',
    '      class: Workflow',
    '      steps:',
    '        - id: inner',
    '          in: {x: a/typo}',
    '    in:',
    '      - id: x',
    '        source: "#main/a/typo"',
  ].join('\n');
  assert.deepEqual(locate(text, anchors), { line: 10, column: 24 });
});

test('pretty-printed JSON (a packed document)', () => {
  const text = JSON.stringify({ steps: [{ id: '#main/s1', in: [{ id: '#main/s1/x', source: '#main/a/typo' }] }, { id: '#main/s2', in: [{ id: '#main/s2/x', source: '#main/a/typo' }] }] }, null, 2);
  const place = locate(text, anchors)!;
  const line = text.split('\n')[place.line - 1]!;
  assert.equal(line.slice(place.column - 1), 'a/typo"');
  assert.ok(text.split('\n').slice(0, place.line).some((l) => l.includes('"#main/s2"')), 'found under s2, not s1');
});

test('a name not found leaves the place at the one before it; none found gives no place', () => {
  assert.deepEqual(locate('steps:\n  s2:\n    in: {}\n', anchors), { line: 3, column: 5 });
  assert.equal(locate('inputs: []\n', anchors), undefined);
});
