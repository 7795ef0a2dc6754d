import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Outcome, TestResult } from '../../conformance/results.js';
import { compareIds, renderMarkdown, renderTable, summarize } from '../../conformance/summary.js';

const result = (id: string, outcome: Outcome, timedOut = false): TestResult => ({ id, number: 0, outcome, timedOut });
const TAGS = new Map<string, readonly string[]>([
  ['a', ['required', 'command_line_tool']],
  ['b', ['command_line_tool', 'docker']],
  ['c', ['workflow']],
  ['d', []],
]);

describe('summarize', () => {
  it('counts overall and per tag, with sorted tags and id lists', () => {
    const s = summarize(
      [result('c', 'failed', true), result('a', 'passed'), result('b', 'unsupported'), result('d', 'failed')],
      TAGS,
    );
    assert.deepEqual(s.overall, { passed: 1, failed: 2, unsupported: 1, total: 4 });
    assert.deepEqual(Object.keys(s.tags), ['command_line_tool', 'docker', 'required', 'workflow']);
    assert.deepEqual(s.tags['command_line_tool'], { passed: 1, failed: 0, unsupported: 1, total: 2 });
    assert.deepEqual(s.tags['workflow'], { passed: 0, failed: 1, unsupported: 0, total: 1 });
    assert.deepEqual(s.failing, ['c', 'd']);
    assert.deepEqual(s.unsupported, ['b']);
    assert.deepEqual(s.timedOut, ['c']);
  });

  it('counts a repeated test once, with its last outcome', () => {
    const s = summarize([result('a', 'failed'), result('a', 'passed')], TAGS);
    assert.deepEqual(s.overall, { passed: 1, failed: 0, unsupported: 0, total: 1 });
    assert.deepEqual(s.failing, []);
  });

  it('counts a test under each tag once even if the tag is repeated', () => {
    const s = summarize([result('x', 'passed')], new Map([['x', ['docker', 'docker']]]));
    assert.equal(s.tags['docker']!.total, 1);
  });
});

describe('renderTable / renderMarkdown', () => {
  const s = summarize([result('a', 'passed'), result('c', 'failed'), result('b', 'unsupported')], TAGS);

  it('renders one row per tag and the overall row last', () => {
    assert.equal(
      renderTable(s),
      [
        '| Tag | Passed | Failed | Unsupported | Total | Pass rate |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        '| `command_line_tool` | 1 | 0 | 1 | 2 | 50.0% |',
        '| `docker` | 0 | 0 | 1 | 1 | 0.0% |',
        '| `required` | 1 | 0 | 0 | 1 | 100.0% |',
        '| `workflow` | 0 | 1 | 0 | 1 | 0.0% |',
        '| **all** | 1 | 1 | 1 | 3 | 33.3% |',
      ].join('\n'),
    );
  });

  it('lists failing and unsupported ids under the table', () => {
    const md = renderMarkdown(s);
    assert.match(md, /^## CWL v1\.2 conformance\n\n\| Tag/);
    assert.match(md, /Failing \(1\):\n\n- `c`/);
    assert.match(md, /Unsupported \(1\):\n\n- `b`\n$/);
    assert.doesNotMatch(md, /Timed out/);
  });

  it('shows a dash for the pass rate of an empty run', () => {
    assert.match(renderTable(summarize([], TAGS)), /\| \*\*all\*\* \| 0 \| 0 \| 0 \| 0 \| – \|/);
  });
});

describe('compareIds', () => {
  it('orders by code unit, like LC_ALL=C sort', () => {
    assert.deepEqual(['b', 'B', 'a_b', 'a-b', 'a'].sort(compareIds), ['B', 'a', 'a-b', 'a_b', 'b']);
  });
});
