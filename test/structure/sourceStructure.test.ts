// The analyser itself, on small sources written for it: a rule check that
// cannot see a cycle or a long function would pass for the wrong reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { backwardArrows, importCycles, readSourceModules } from './sourceStructure.js';

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
