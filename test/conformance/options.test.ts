import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cwlVersionOf, OptionsError, parseOptions, versioned } from '../../conformance/options.js';

const where = { repoRoot: '/repo', cwd: '/somewhere' };

describe('parseOptions', () => {
  it('has defaults relative to the repository root', () => {
    assert.deepEqual(parseOptions([], where), {
      cwlVersion: 'v1.2',
      tool: undefined,
      jobs: 2,
      tags: undefined,
      excludeTags: undefined,
      numbers: undefined,
      skipSameAs: undefined,
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
        '--timeout', '30', '--skip-same-as', 'v1.2', '--', '--parallel', '--debug',
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
    assert.equal(o.skipSameAs, 'v1.2');
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
    assert.throws(() => parseOptions(['--skip-same-as', 'v2'], where), /--skip-same-as must be one of/);
  });
});

describe('--cwl-version', () => {
  it('gives an older suite its own baseline and out dir, leaving v1.2 on the historical names', () => {
    const o = parseOptions(['--cwl-version', 'v1.0'], where);
    assert.equal(o.cwlVersion, 'v1.0');
    assert.equal(o.baseline, '/repo/conformance/baseline-v1.0.txt');
    assert.equal(o.out, '/repo/conformance/out-v1.0');
    assert.equal(parseOptions(['--cwl-version', 'v1.2'], where).baseline, '/repo/conformance/baseline.txt');
  });

  it('names the bad value', () => {
    assert.throws(() => parseOptions(['--cwl-version', '1.1'], where), (e: unknown) => e instanceof OptionsError && /"1\.1"/.test(e.message));
  });

  it('is found by wrappers before the harness parses the rest, in both spellings and not after --', () => {
    assert.equal(cwlVersionOf(['-j', '4', '--cwl-version', 'v1.1']), 'v1.1');
    assert.equal(cwlVersionOf(['--cwl-version=v1.0']), 'v1.0');
    assert.equal(cwlVersionOf(['--', '--cwl-version', 'v1.0']), 'v1.2');
    assert.throws(() => cwlVersionOf(['--cwl-version']), OptionsError);
  });

  it('versions the Kubernetes baselines and out dirs before their extension', () => {
    assert.equal(versioned('conformance/baseline-kubernetes-real.txt', 'v1.1'), 'conformance/baseline-kubernetes-real-v1.1.txt');
    assert.equal(versioned('conformance/out-kubernetes', 'v1.0'), 'conformance/out-kubernetes-v1.0');
    assert.equal(versioned('conformance/baseline-kubernetes.txt', 'v1.2'), 'conformance/baseline-kubernetes.txt');
  });
});
