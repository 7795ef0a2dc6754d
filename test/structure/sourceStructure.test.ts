// The analyser itself, on small sources written for it: a rule check that
// cannot see a cycle or a long function would pass for the wrong reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { backwardArrows, importCycles, readSourceModules, testBackwardArrows } from './sourceStructure.js';

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-structure-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

test('finds a cycle, a backward arrow, a dynamic import and a long arrow function', async (t) => {
  const body = Array.from({ length: 61 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const dir = await tree({
    'load/a.ts': "import { b } from '../load/b.js';\nexport const a = 1;\n",
    'load/b.ts': "import type { a } from './a.js';\nexport const b = async () => import('../execute/c.js');\n",
    'execute/c.ts': `import { k } from '@kubernetes/client-node';\nexport const long = () => {\n${body}\n};\n`,
  });
  t.after(() => rm(dir, { recursive: true, force: true }));
  const modules = readSourceModules(dir);
  assert.deepEqual(importCycles(modules).map((c) => c.join(' > ')), ['load/a.ts > load/b.ts > load/a.ts']);
  assert.deepEqual(backwardArrows(modules), ['load/b.ts → execute/c.ts']);
  const c = modules.find((m) => m.path === 'execute/c.ts')!;
  assert.deepEqual(c.packages, ['@kubernetes/client-node']);
  assert.deepEqual(c.functions.map((f) => [f.name, f.lines]), [['long', 63]]);
  assert.equal(c.lines, 64);
});

test('the test layers: finds an arrow out of src/, into a test file (.test.ts or .itest.ts), between topics, from the stand-in to the engine, and into conformance/', async (t) => {
  const dir = await tree({
    'src/load/a.ts': "import { h } from '../../test/helpers/h.js';\nexport const a = 1;\n",
    'src/load/b.ts': "export const b = 1;\n",
    'test/cluster/server.ts': "import { b } from '../../src/load/b.js';\nexport const server = b;\n",
    'test/cluster/pods.test.ts': "import { h } from '../helpers/h.js';\nimport { server } from './server.js';\n",
    'test/cluster/parity.itest.ts': "import { h } from '../helpers/h.js';\n",
    'test/load/x.ts': "import { w } from './w.itest.js';\nexport const x = 1;\n",
    'test/load/w.itest.ts': "export {};\n",
    'test/helpers/h.ts': "import { server } from '../cluster/server.js';\nimport { b } from '../../src/load/b.js';\nimport { z } from '../load/z.test.js';\nexport const h = 1;\n",
    'test/load/y.ts': "import { bench } from '../bench/b.js';\nimport { h } from '../helpers/h.js';\nexport const y = 1;\n",
    'test/load/z.test.ts': "import { y } from './y.js';\nimport { run } from '../../conformance/run.js';\n",
    'test/bench/b.ts': "export const bench = 1;\n",
    'test/conformance/run.test.ts': "import { run } from '../../conformance/run.js';\n",
    'conformance/run.ts': "import { h } from '../test/helpers/h.js';\nimport { b } from '../src/load/b.js';\nimport { y } from '../test/load/y.js';\nexport const run = 1;\n",
  });
  t.after(() => rm(dir, { recursive: true, force: true }));
  const modules = readSourceModules(dir, ['src', 'test', 'conformance']);
  assert.equal(modules.length, 13);
  assert.deepEqual(modules.find((m) => m.path === 'test/load/z.test.ts')?.imports, ['test/load/y.ts', 'conformance/run.ts']);
  assert.deepEqual(testBackwardArrows(modules).sort(), [
    'conformance/run.ts → test/load/y.ts',
    'src/load/a.ts → test/helpers/h.ts',
    'test/cluster/server.ts → src/load/b.ts',
    'test/helpers/h.ts → test/load/z.test.ts',
    'test/load/x.ts → test/load/w.itest.ts',
    'test/load/y.ts → test/bench/b.ts',
    'test/load/z.test.ts → conformance/run.ts',
  ]);
});
