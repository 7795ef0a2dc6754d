/**
 * sha1HostFile reads through one handle until a read returns nothing, so the
 * checksum covers every byte for files smaller than, equal to and larger than
 * its 64 KiB chunk, and for a file that grew after it was stat'ed (a FIFO
 * is refused by both checksums: checksums.itest.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inScratchDir } from '../helpers/cli.js';
import { existsNow } from '../../src/files/hostFiles.js';
import { sha1HostFile, smallFileDigest } from '../../src/files/hostRead.js';

const sha1File = async (file: string): Promise<string> => (await sha1HostFile(file, 'test: output file')).sha1;

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** `size` bytes that differ from one another, so a missed or repeated chunk changes the checksum. */
function patterned(size: number): Buffer {
  const data = Buffer.alloc(size, 0);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + 3) % 256;
  return data;
}

test('sha1HostFile gives the size and sha1 of every byte at every size around the chunk', () => inScratchDir(async (dir) => {
  for (const size of [0, 1, 9, 65535, 65536, 65537, 200_000]) {
    const data = patterned(size);
    const file = path.join(dir, `f${size}`);
    await writeFile(file, data);
    assert.deepEqual(await sha1HostFile(file, 'test: output file'), { size, sha1: sha1(data) }, `size ${size}`);
  }
}));

test('sha1File covers what a file gained after its stat', () => inScratchDir(async (dir) => {
  const file = path.join(dir, 'growing');
  await writeFile(file, 'hello\n');
  await stat(file);
  await appendFile(file, 'world\n');
  assert.equal(await sha1File(file), sha1(Buffer.from('hello\nworld\n')));
}));

test('sha1File of a missing file rejects, naming it', async () => {
  await assert.rejects(sha1File(path.join(os.tmpdir(), 'bespin-no-such-file-for-sha1')), { message: /^test: output file \S+bespin-no-such-file-for-sha1: not found$/ });
});

test('smallFileDigest gives the size and sha1 of a small regular file, and leaves larger ones to sha1File', () => inScratchDir(async (dir) => {
  for (const size of [0, 1, 9, 65535, 65536]) {
    const data = patterned(size);
    const file = path.join(dir, `f${size}`);
    await writeFile(file, data);
    assert.deepEqual(smallFileDigest(file, 'test: output file'), { size, sha1: sha1(data) }, `size ${size}`);
  }
  await writeFile(path.join(dir, 'big'), Buffer.alloc(65537, 1));
  assert.equal(smallFileDigest(path.join(dir, 'big'), 'test: output file'), undefined);
  assert.throws(() => smallFileDigest(dir, 'test: output file'), { message: /is a directory, but a File was expected/ });
}));

test('existsNow tells a file that is there from one that is not, without throwing', () => inScratchDir(async (dir) => {
  await writeFile(path.join(dir, 'cwl.output.json'), '{}');
  assert.equal(existsNow(path.join(dir, 'cwl.output.json')), true);
  assert.equal(existsNow(path.join(dir, 'missing.json')), false);
  assert.equal(existsNow(path.join(dir, 'cwl.output.json', 'below-a-file')), false);
}));
