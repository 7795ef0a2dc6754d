/**
 * sha1File reads through one handle: with a regular file's size it stops at
 * the first short read, so the checksum must still cover every byte for
 * files smaller than, equal to and larger than its 64 KiB chunk, and for a
 * file that grew after it was stat'ed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { existsNow, sha1File, smallFileDigest } from '../../src/load/fileSystem.js';

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** Runs `body` in a new scratch directory, removed afterwards whatever happened. */
async function inScratchDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-checksums-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `size` bytes that differ from one another, so a missed or repeated chunk changes the checksum. */
function patterned(size: number): Buffer {
  const data = Buffer.alloc(size, 0);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + 3) % 256;
  return data;
}

test('sha1File gives the sha1 of every byte, with or without the size, at every size around the chunk', () => inScratchDir(async (dir) => {
  for (const size of [0, 1, 9, 65535, 65536, 65537, 200_000]) {
    const data = patterned(size);
    const file = path.join(dir, `f${size}`);
    await writeFile(file, data);
    assert.equal(await sha1File(file, size), sha1(data), `size ${size}, size given`);
    assert.equal(await sha1File(file), sha1(data), `size ${size}, no size`);
  }
}));

test('sha1File covers what a file gained after its stat', () => inScratchDir(async (dir) => {
  const file = path.join(dir, 'growing');
  await writeFile(file, 'hello\n');
  const { size } = await stat(file);
  await appendFile(file, 'world\n');
  assert.equal(await sha1File(file, size), sha1(Buffer.from('hello\nworld\n')));
}));

test('sha1File of a missing file rejects', async () => {
  await assert.rejects(sha1File(path.join(os.tmpdir(), 'bespin-no-such-file-for-sha1')), { code: 'ENOENT' });
});

test('smallFileDigest gives the size and sha1 of a small regular file, and leaves larger ones to sha1File', () => inScratchDir(async (dir) => {
  for (const size of [0, 1, 9, 65535, 65536]) {
    const data = patterned(size);
    const file = path.join(dir, `f${size}`);
    await writeFile(file, data);
    assert.deepEqual(smallFileDigest(file), { size, sha1: sha1(data) }, `size ${size}`);
  }
  await writeFile(path.join(dir, 'big'), Buffer.alloc(65537, 1));
  assert.equal(smallFileDigest(path.join(dir, 'big')), undefined);
  assert.equal(smallFileDigest(dir), undefined, 'a directory is not a small regular file');
}));

test('smallFileDigest neither blocks on a FIFO nor hides a missing file', () => inScratchDir(async (dir) => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.equal(smallFileDigest(fifo), undefined);
  assert.throws(() => smallFileDigest(path.join(dir, 'missing')), { code: 'ENOENT' });
}));

test('existsNow tells a file that is there from one that is not, without throwing', () => inScratchDir(async (dir) => {
  await writeFile(path.join(dir, 'cwl.output.json'), '{}');
  assert.equal(existsNow(path.join(dir, 'cwl.output.json')), true);
  assert.equal(existsNow(path.join(dir, 'missing.json')), false);
  assert.equal(existsNow(path.join(dir, 'cwl.output.json', 'below-a-file')), false);
}));
