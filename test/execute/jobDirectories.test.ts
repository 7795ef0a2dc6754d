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
import { makeTempDir, removeTree, removeTrees } from '../../src/execute/jobDirectories.js';

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
