// The structure rules of docs/architecture.md, checked on src/, test/ and
// conformance/ as they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backwardArrows, folderOf, importCycles, readSourceModules, stageOf, stageRank, testBackwardArrows, testLayerOf } from './sourceStructure.js';

// Compiled to dist/test/structure/; the sources are read, not the output.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const modules = readSourceModules(path.join(repo, 'src'));
const everything = readSourceModules(repo, ['src', 'test', 'conformance']);

test('src/ is read in full (every stage folder, the job builder included)', () => {
  const stages = new Set(modules.map((m) => stageOf(m.path)));
  for (const stage of ['load', 'validate', 'plan', 'job', 'schedule', 'execute', 'backends', 'collect', 'report', 'cli']) {
    assert.ok(stages.has(stage), `no modules found under src/${stage}/`);
  }
  assert.ok(modules.length > 100, `only ${modules.length} modules read`);
});

test('every module lives in a known stage', () => {
  assert.deepEqual(modules.filter((m) => stageRank(stageOf(m.path)) < 0).map((m) => m.path), []);
});

test('test/ and conformance/ are read in full (the stand-in cluster, the helpers, the runners and their tests)', () => {
  const folders = new Set(everything.map((m) => folderOf(m.path)));
  for (const folder of ['test/cluster', 'test/realcluster', 'test/helpers', 'conformance', 'test/conformance', 'test/structure']) {
    assert.ok(folders.has(folder), `no modules found under ${folder}/`);
  }
  assert.ok(everything.length > modules.length + 150, `only ${everything.length - modules.length} test and conformance modules read`);
});

test('every test and conformance module lives in a known layer', () => {
  assert.deepEqual(everything.filter((m) => testLayerOf(m.path) < 0).map((m) => m.path), []);
});

test('no import cycles between modules of src/, test/ and conformance/', () => {
  assert.deepEqual(importCycles(everything).map((cycle) => cycle.join(' → ')), []);
});

test('every import points along the stage order (load → validate → plan → job → schedule → execute → collect → report → cli)', () => {
  assert.deepEqual(backwardArrows(modules), []);
});

test('test/ and conformance/ import down the test layers (src | the clusters → test/helpers → conformance → each topic), never a test file', () => {
  assert.deepEqual(testBackwardArrows(everything), []);
});

test('@kubernetes/client-node is imported only under src/backends/kubernetes/', () => {
  const outside = modules.filter((m) => m.packages.some((p) => p.startsWith('@kubernetes/client-node')) && !m.path.startsWith('backends/kubernetes/'));
  assert.deepEqual(outside.map((m) => m.path), []);
  assert.ok(modules.some((m) => m.packages.includes('@kubernetes/client-node')), 'the Kubernetes backend should import the client');
});

test('no file over 300 lines in src/, test/ or conformance/', () => {
  assert.deepEqual(everything.filter((m) => m.lines > 300).map((m) => `${m.path}: ${m.lines} lines`), []);
});

test('no function over 60 lines in src/, test/ or conformance/', () => {
  const long = everything.flatMap((m) => m.functions.filter((f) => f.lines > 60).map((f) => `${m.path}:${f.line} ${f.name}: ${f.lines} lines`));
  assert.deepEqual(long, []);
});
