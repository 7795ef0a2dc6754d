/**
 * The reading gate (src/files/): what it opened decides, not the path it was
 * given. The real path comes from the descriptor and must lie in the scope
 * and outside the engine's own files, reads stop at the bound by bytes read,
 * listings end on loops; special files are in readingGate.itest.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inScratchDir } from '../helpers/cli.js';
import { checkHostEntry, type ReadScope } from '../../src/files/hostEntry.js';
import { readContents, readHostFile } from '../../src/files/hostRead.js';
import { listDirectory } from '../../src/files/listing.js';
import { expandBraces } from '../../src/files/braces.js';

/** A scope of one directory, by real path. */
function only(dir: string): ReadScope {
  return { description: 'the test directory', allows: (real) => real === dir || real.startsWith(`${dir}/`) };
}

test('the engine\'s own files are never read, whatever the scope and however they are reached', () => inScratchDir(async (dir) => {
  await symlink('/proc/self/environ', path.join(dir, 'environ'));
  await assert.rejects(readContents(path.join(dir, 'environ'), 'x'), { message: /environ \(it resolves to \/proc\/\d+\/environ\) is one of the engine's own files/ });
  await assert.rejects(checkHostEntry('/proc/self/status', 'x'), { message: /engine's own files/ });
}));

test('the real path is taken from the descriptor and must lie in the scope', () => inScratchDir(async (dir) => {
  const inside = path.join(dir, 'inside');
  await mkdir(inside);
  await writeFile(path.join(dir, 'secret.txt'), 'not-for-your-eyes');
  await symlink('../secret.txt', path.join(inside, 'link.txt'));
  await writeFile(path.join(inside, 'ok.txt'), 'fine');
  assert.equal(await readContents(path.join(inside, 'ok.txt'), 'x', only(inside)), 'fine');
  await assert.rejects(readContents(path.join(inside, 'link.txt'), 'x', only(inside)), { message: /link\.txt \(it resolves to \S+secret\.txt\) is outside the test directory/ });
}));

test('reads are bounded by the bytes read', () => inScratchDir(async (dir) => {
  await writeFile(path.join(dir, 'big'), Buffer.alloc(65 * 1024, 97));
  await assert.rejects(readContents(path.join(dir, 'big'), 'x'), { message: /larger than the 64 KiB limit/ });
  assert.equal((await readHostFile(path.join(dir, 'big'), 'x', { maxBytes: 65 * 1024 })).length, 65 * 1024);
  await assert.rejects(readHostFile(path.join(dir, 'big'), 'x', { maxBytes: 65 * 1024 - 1 }), { message: /larger than/ });
}));

test('a listing refuses a directory loop and a link out of its scope, and is bounded in depth', () => inScratchDir(async (dir) => {
  const top = path.join(dir, 'top');
  await mkdir(path.join(top, 'sub'), { recursive: true });
  await symlink('..', path.join(top, 'sub', 'up'));
  await assert.rejects(listDirectory(top, 'deep_listing', 'x: listing of'), { message: /up is a link back to \S+top, which holds it: a directory loop/ });
  assert.equal((await listDirectory(top, 'shallow_listing')).length, 1, 'one level never follows the loop');
  const other = path.join(dir, 'other');
  await mkdir(other);
  await symlink(dir, path.join(other, 'out'));
  await assert.rejects(listDirectory(other, 'shallow_listing', 'x: listing of', only(other)), { message: /symlink \S+out \(it resolves to \S+\) is outside the test directory/ });
  let deep = path.join(dir, 'deep');
  for (let i = 0; i < 260; i++) deep = path.join(deep, 'd');
  await mkdir(deep, { recursive: true });
  await assert.rejects(listDirectory(path.join(dir, 'deep'), 'deep_listing'), { message: /nested more than 256 directories deep/ });
}));

test('braces expand before any check, and a pattern that would expand past the bound is refused', () => {
  assert.deepEqual(expandBraces('{..,.}/secret'), ['../secret', './secret']);
  assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
  assert.deepEqual(expandBraces('lit{x}\\{a,b}'), ['lit{x}\\{a,b}']);
  assert.throws(() => expandBraces('{a,b}'.repeat(20)), { message: 'it expands to more than 1024 patterns' });
  assert.equal(expandBraces('{a,b}'.repeat(10)).length, 1024);
});
