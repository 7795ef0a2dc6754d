import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionsError, parseOptions } from '../../conformance/options.js';

const where = { repoRoot: '/repo', cwd: '/somewhere' };

describe('parseOptions', () => {
  it('has defaults relative to the repository root', () => {
    assert.deepEqual(parseOptions([], where), {
      tool: undefined,
      jobs: 2,
      tags: undefined,
      excludeTags: undefined,
      numbers: undefined,
      out: '/repo/conformance/out',
      shared: '/shared',
      baseline: '/repo/conformance/baseline.txt',
      updateBaseline: false,
      timeout: 120,
      toolArgs: [],
      help: false,
    });
  });

  it('reads every option, resolves given paths against cwd and keeps tool args after --', () => {
    const o = parseOptions(
      [
        '--tool', './bin/x', '-j', '4', '--tags', 'docker', '--exclude-tags', 'inplace_update',
        '-n', '1-5', '--out', 'o', '--shared', '/s', '--baseline', 'b.txt', '--update-baseline',
        '--timeout', '30', '--', '--parallel', '--debug',
      ],
      where,
    );
    assert.equal(o.tool, '/somewhere/bin/x');
    assert.equal(o.jobs, 4);
    assert.equal(o.tags, 'docker');
    assert.equal(o.excludeTags, 'inplace_update');
    assert.equal(o.numbers, '1-5');
    assert.equal(o.out, '/somewhere/o');
    assert.equal(o.shared, '/s');
    assert.equal(o.baseline, '/somewhere/b.txt');
    assert.equal(o.updateBaseline, true);
    assert.equal(o.timeout, 30);
    assert.deepEqual(o.toolArgs, ['--parallel', '--debug']);
  });

  it('leaves a tool name for PATH lookup', () => {
    assert.equal(parseOptions(['--tool', 'cwltool'], where).tool, 'cwltool');
  });

  it('rejects unknown options and bad numbers', () => {
    assert.throws(() => parseOptions(['--nope'], where), OptionsError);
    assert.throws(() => parseOptions(['-j', '0'], where), OptionsError);
    assert.throws(() => parseOptions(['--timeout', '1.5'], where), OptionsError);
    assert.throws(() => parseOptions(['stray'], where), OptionsError);
    assert.throws(() => parseOptions(['--tags', ''], where), OptionsError);
  });
});
