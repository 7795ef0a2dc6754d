import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSuite, parseTestList, shortName, splitTopLevelItems, SuiteError } from '../../conformance/suite.js';

const files = (entries: Record<string, string>) => (path: string): string => {
  const text = entries[path];
  if (text === undefined) throw new Error(`no fixture ${path}`);
  return text;
};

describe('loadSuite', () => {
  it('expands $import entries in place, and resolves tests\' files, relative to the importing file', () => {
    const read = files({
      '/s/tests.yaml': [
        '- id: first',
        '  doc: The first',
        '  tool: tools/a.cwl#main',
        '  job: jobs/a.yml',
        '  output: {out: 1}',
        '  tags: [ required, command_line_tool ]',
        '- $import: sub/index.yaml',
        '- id: "#last"',
        '  doc: >-',
        '    Folded',
        '    doc',
        '  should_fail: true',
        '  tags: [ workflow ]',
      ].join('\n'),
      '/s/sub/index.yaml': [
        '- id: nested',
        '  tool: t.cwl',
        '  tags: [ scatter ]',
        '- $import: deeper.yaml',
      ].join('\n'),
      '/s/sub/deeper.yaml': '- label: by_label\n  id: ignored\n',
    });
    assert.deepEqual(loadSuite('/s/tests.yaml', read), [
      { id: 'first', tags: ['required', 'command_line_tool'], doc: 'The first', shouldFail: false, tool: '/s/tools/a.cwl#main', job: '/s/jobs/a.yml', output: { out: 1 } },
      { id: 'nested', tags: ['scatter'], doc: '', shouldFail: false, tool: '/s/sub/t.cwl', job: undefined, output: undefined },
      { id: 'by_label', tags: [], doc: '', shouldFail: false, tool: '', job: undefined, output: undefined },
      { id: 'last', tags: ['workflow'], doc: 'Folded doc', shouldFail: true, tool: '', job: undefined, output: undefined },
    ]);
  });

  it('reports $import cycles', () => {
    const read = files({ '/a.yaml': '- $import: b.yaml\n', '/b.yaml': '- $import: a.yaml\n' });
    assert.throws(() => loadSuite('/a.yaml', read), SuiteError);
  });

  it('names tests without id or label by position', () => {
    const read = files({ '/a.yaml': '- doc: anonymous\n' });
    assert.equal(loadSuite('/a.yaml', read)[0]!.id, 'unnamed_test_1');
  });
});

describe('parseTestList', () => {
  // Valid for the Python loaders cwltest uses, rejected by js-yaml 5: the flow
  // sequence continues at the indentation of its key.
  const LENIENT = [
    '# comment',
    '- output:',
    "    args: [tmap, mapall, stage1, map1, --min-seq-length, '20',",
    "    '20', stage2]",
    '  job: tests/tmap-job.json',
    '  id: nested_cl_bindings',
    '  doc: Test nested command line bindings',
    '  tags: [ schema_def, command_line_tool ]',
    '',
    '- job: tests/cat-job.json',
    '  output: {out: 1}',
    '  id: plain',
    '  tags: [ required ]',
    '',
    '- $import: tests/other.yaml',
  ].join('\n');

  it('falls back to item-by-item loading when the document does not load as a whole', () => {
    assert.deepEqual(parseTestList(LENIENT), [
      { id: 'nested_cl_bindings', doc: 'Test nested command line bindings', tags: ['schema_def', 'command_line_tool'] },
      { job: 'tests/cat-job.json', output: { out: 1 }, id: 'plain', tags: ['required'] },
      { $import: 'tests/other.yaml' },
    ]);
  });

  it('returns an empty list for an empty document', () => {
    assert.deepEqual(parseTestList('# nothing\n'), []);
  });

  it('rejects a document that is not a list', () => {
    assert.throws(() => parseTestList('id: x\n'), SuiteError);
  });
});

describe('splitTopLevelItems', () => {
  it('dedents each item to a mapping at column 0', () => {
    assert.deepEqual(splitTopLevelItems('- a: 1\n  b:\n    c: 2\n-   d: 3\n    e: 4\n'), [
      { line: 1, lines: ['a: 1', 'b:', '  c: 2'] },
      { line: 4, lines: ['d: 3', 'e: 4', ''] },
    ]);
  });

  it('reads an item whose flow mapping closes at column 0, as the v1.1 list has one', () => {
    const text = '- id: first\n  output: {\n    a: 1,\n    b: 2\n}\n\n- id: next\n  tags: [x]\n';
    assert.deepEqual(parseTestList(text).map((t) => (t as { id?: string }).id), ['first', 'next']);
    assert.throws(() => splitTopLevelItems('- a: 1\nb: 2\n'), SuiteError);
  });
});

describe('shortName', () => {
  it('keeps the last part after / or #', () => {
    assert.equal(shortName('plain'), 'plain');
    assert.equal(shortName('file:///x/tests.yaml#some_test'), 'some_test');
    assert.equal(shortName('a/b/'), 'b');
  });
});
