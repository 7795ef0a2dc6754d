/**
 * Job directories in a wide scatter cost as few system calls as possible:
 * mkdtemp makes the prefix's directory only when it is missing, and
 * removeTree removes empty and full directories alike (and missing ones
 * quietly).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SpareTmpdirs, makeTempDir, removeTree, removeTrees } from '../../src/execute/jobDirectories.js';

test('makeTempDir makes a missing prefix directory, and a new directory each time', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-jobdirs-'));
  try {
    const a = await makeTempDir(path.join(root, 'deep', 'er', 'job-'));
    const b = await makeTempDir(path.join(root, 'deep', 'er', 'job-'));
    const c = await makeTempDir(`${path.join(root, 'slash')}/`);
    assert.notEqual(a, b);
    for (const d of [a, b, c]) assert.ok((await stat(d)).isDirectory(), d);
    assert.match(path.basename(a), /^job-/);
    assert.equal(path.dirname(c), path.join(root, 'slash'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('removeTree removes an empty directory, a full one, and ignores a missing one', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-jobdirs-'));
  try {
    const empty = path.join(root, 'empty');
    const full = path.join(root, 'full');
    await mkdir(empty);
    await mkdir(path.join(full, 'sub'), { recursive: true });
    await writeFile(path.join(full, 'sub', 'out.txt'), 'x');
    await removeTree(empty);
    await removeTree(full);
    await removeTree(path.join(root, 'missing'));
    assert.equal(existsSync(empty), false);
    assert.equal(existsSync(full), false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('removeTrees removes every directory given, a few at a time, full and missing ones too', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-jobdirs-'));
  try {
    const dirs = Array.from({ length: 40 }, (_, i) => path.join(root, `job-${i}`));
    for (const d of dirs) await mkdir(d);
    await writeFile(path.join(dirs[7]!, 'left.txt'), 'x');
    await removeTrees([...dirs, path.join(root, 'missing')], 4);
    assert.deepEqual(dirs.filter((d) => existsSync(d)), []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('SpareTmpdirs keeps an empty directory for the next job, refuses one with anything in it, and removes what is left', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-jobdirs-'));
  try {
    const [empty, used] = [path.join(root, 'empty'), path.join(root, 'used')];
    await mkdir(empty);
    await mkdir(used);
    await writeFile(path.join(used, 'left.txt'), 'x');
    const spare = new SpareTmpdirs();
    assert.equal(spare.keep(used), false);
    assert.equal(spare.keep(path.join(root, 'missing')), false);
    assert.equal(spare.keep(empty), true);
    assert.equal(spare.take(), empty);
    assert.equal(spare.take(), undefined);
    assert.equal(spare.keep(empty), true);
    await spare.removeAll();
    assert.equal(existsSync(empty), false);
    assert.equal(existsSync(used), true, 'a refused directory is the caller\'s to remove');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
