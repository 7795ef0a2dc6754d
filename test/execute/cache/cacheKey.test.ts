/**
 * The cache key is a pure function of what a step's result depends on:
 * Files by content, not by where they are; the tool, its requirements,
 * its other input values and where it runs all count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineTool } from '../../../src/model/types.js';
import { cacheKey, canonical, type CacheKeyParts } from '../../../src/execute/cache/cacheKey.js';

const TOOL: CommandLineTool = {
  class: 'CommandLineTool', id: 'file:///work/a/tool.cwl', baseUri: 'file:///work/a/tool.cwl', cwlVersion: 'v1.2', originalVersion: 'v1.2',
  inputs: [{ id: 'f', type: 'File' }, { id: 'n', type: 'int', default: 3, inputBinding: { position: 1 } }],
  outputs: [{ id: 'out', type: 'File', outputBinding: { glob: 'out.txt' } }],
  requirements: [], hints: [], namespaces: {}, schemas: [],
  baseCommand: ['wc'], arguments: ['-l'], successCodes: [0], temporaryFailCodes: [], permanentFailCodes: [],
};

const file = (dir: string, sum = 'sha1$aaaa'): Record<string, unknown> => ({
  class: 'File', location: `file://${dir}/in.txt`, path: `${dir}/in.txt`, dirname: dir, basename: 'in.txt', nameroot: 'in', nameext: '.txt', size: 4, checksum: sum,
});

const parts = (over: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  tool: TOOL, requirements: [], inputs: { f: file('/data/one'), n: 3 }, place: { kind: 'host' }, ...over,
});

test('the same content at another path, and a tool loaded from elsewhere, give the same key', () => {
  const moved = { ...TOOL, id: 'file:///elsewhere/tool.cwl', baseUri: 'file:///elsewhere/tool.cwl', doc: 'now documented' };
  assert.equal(cacheKey(parts()), cacheKey(parts({ tool: moved, inputs: { n: 3, f: file('/other/place') } })));
});

test('changed content, a changed argument, a changed tool, requirement or place each change the key', () => {
  const base = cacheKey(parts());
  const variants: CacheKeyParts[] = [
    parts({ inputs: { f: file('/data/one', 'sha1$bbbb'), n: 3 } }),
    parts({ inputs: { f: file('/data/one'), n: 4 } }),
    parts({ inputs: { f: { ...file('/data/one'), basename: 'other.txt' }, n: 3 } }),
    parts({ tool: { ...TOOL, arguments: ['-c'] } }),
    parts({ tool: { ...TOOL, baseCommand: ['wc', '-w'] } }),
    parts({ requirements: [{ class: 'EnvVarRequirement', envDef: [{ envName: 'A', envValue: '1' }] }] }),
    parts({ requirements: [{ class: 'DockerRequirement', dockerPull: 'alpine' }], place: { kind: 'container' } }),
    parts({ place: { kind: 'pod' } }),
    parts({ place: { kind: 'container', defaultImage: 'debian:stable-slim' } }),
    parts({ place: { kind: 'host', environment: { LANG: 'C' } } }),
  ];
  const keys = variants.map(cacheKey);
  for (const k of keys) assert.notEqual(k, base);
  assert.equal(new Set(keys).size, keys.length, 'every variant has its own key');
});

test('a parameter default does not count by itself (its value reaches the key through the inputs)', () => {
  const other = { ...TOOL, inputs: [TOOL.inputs[0]!, { ...TOOL.inputs[1]!, default: 99 }] };
  assert.equal(cacheKey(parts()), cacheKey(parts({ tool: other })));
});

test('requirements that cannot change outputs (inherited workflow features, WorkReuse, time limits) do not count', () => {
  const inherited = [{ class: 'ScatterFeatureRequirement' }, { class: 'StepInputExpressionRequirement' }, { class: 'ToolTimeLimit', timelimit: 5 }, { class: 'WorkReuse', enableReuse: true }];
  assert.equal(cacheKey(parts()), cacheKey(parts({ requirements: inherited })));
});

test('object key order does not matter; the key is a SHA-256 in hex', () => {
  const a = cacheKey(parts({ inputs: { n: 3, f: file('/x'), r: { b: 1, a: [1, { d: 2, c: 3 }] } } }));
  const b = cacheKey(parts({ inputs: { r: { a: [1, { c: 3, d: 2 }], b: 1 }, f: file('/x'), n: 3 } }));
  assert.equal(a, b);
  assert.match(a, /^[0-9a-f]{64}$/);
});

test('canonical keeps what a File or Directory holds and drops where it is', () => {
  const dir = { class: 'Directory', location: 'file:///d', path: '/d', basename: 'd', checksum: 'tree$1', listing: [file('/d')] };
  assert.deepEqual(canonical(dir), { basename: 'd', checksum: 'tree$1', class: 'Directory' });
  const literal = { class: 'Directory', location: '', basename: 'lit', listing: [{ class: 'File', location: '', basename: 'a', contents: 'x' }] };
  assert.deepEqual(canonical(literal), { basename: 'lit', class: 'Directory', listing: [{ basename: 'a', class: 'File', contents: 'x' }] });
});
