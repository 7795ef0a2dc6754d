/**
 * The cache directory on the real file system: an entry exists only once
 * its marker does, restoring copies (never links) into a new directory,
 * concurrent publishers both succeed, and what a crashed run left is
 * ignored and removed once stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scratch } from '../../helpers/cli.js';
import { StepCache } from '../../../src/execute/cache/stepCache.js';
import { ContentChecksums } from '../../../src/execute/cache/contentChecksums.js';
import { pathToUri } from '../../../src/files/uri.js';

const KEY = 'a'.repeat(64);

/** A finished job's output directory with a File (and a secondary file) and a Directory output. */
async function jobOutputs(dir: string): Promise<Record<string, unknown>> {
  const out = path.join(dir, 'job');
  await mkdir(path.join(out, 'sub', 'deep'), { recursive: true });
  await writeFile(path.join(out, 'out.txt'), 'result\n');
  await writeFile(path.join(out, 'out.txt.idx'), 'index\n');
  await writeFile(path.join(out, 'sub', 'deep', 'x'), 'x\n');
  const f = (p: string): Record<string, unknown> => ({ class: 'File', location: pathToUri(p), path: p, basename: path.basename(p), dirname: path.dirname(p) });
  return {
    out: { ...f(path.join(out, 'out.txt')), checksum: 'sha1$1', secondaryFiles: [f(path.join(out, 'out.txt.idx'))] },
    sub: { class: 'Directory', location: pathToUri(path.join(out, 'sub')), path: path.join(out, 'sub'), basename: 'sub', listing: [
      { class: 'Directory', location: pathToUri(path.join(out, 'sub', 'deep')), basename: 'deep', listing: [f(path.join(out, 'sub', 'deep', 'x'))] },
    ] },
    count: 3,
  };
}

test('a published entry is restored as copies in a new directory, with its output object pointing there', async () => {
  const dir = await scratch({});
  const cache = await StepCache.open(path.join(dir, 'cache'));
  assert.equal(await cache.lookup(KEY), undefined);
  assert.equal(await cache.publish(KEY, await jobOutputs(dir), 'step'), 'published');
  const entry = await cache.lookup(KEY);
  assert.ok(entry);
  const target = path.join(dir, 'restored');
  await mkdir(target);
  const restored = await cache.restore(entry, target) as { out: { path: string; secondaryFiles: { path: string }[] }; sub: { path: string; listing: { listing: { path: string }[] }[] }; count: number };
  assert.equal(restored.count, 3);
  assert.equal(await readFile(restored.out.path, 'utf8'), 'result\n');
  assert.equal(path.dirname(restored.out.path).startsWith(target), true);
  assert.equal(await readFile(restored.out.secondaryFiles[0]!.path, 'utf8'), 'index\n');
  assert.equal(path.dirname(restored.out.secondaryFiles[0]!.path), path.dirname(restored.out.path), 'secondary files stay beside their primary');
  assert.equal(await readFile(restored.sub.listing[0]!.listing[0]!.path, 'utf8'), 'x\n');
  // A step writing into its restored copy cannot reach the entry: not the same inode.
  const cached = path.join(entry.dataDir, path.relative(target, restored.out.path));
  assert.notEqual((await stat(cached)).ino, (await stat(restored.out.path)).ino);
  await writeFile(restored.out.path, 'changed by a later step\n');
  assert.equal(await readFile(cached, 'utf8'), 'result\n');
});

test('two publishers of one key at once both succeed, and one entry remains', async () => {
  const dir = await scratch({});
  const [a, b] = await Promise.all([StepCache.open(path.join(dir, 'cache')), StepCache.open(path.join(dir, 'cache'))]);
  const outputs = await jobOutputs(dir);
  const results = await Promise.all([a.publish(KEY, outputs, 'one'), b.publish(KEY, outputs, 'two')]);
  assert.ok(results.includes('published'), JSON.stringify(results));
  const entry = await a.lookup(KEY);
  assert.ok(entry);
  assert.equal(await readFile(path.join(entry.dataDir, (entry.outputs.out as { location: string }).location), 'utf8'), 'result\n');
  assert.equal((await readdir(path.join(dir, 'cache'))).filter((n) => n.endsWith('.tmp')).length, 0, 'no temporary marker left');
});

test('what a killed publisher left (data without a marker, a temporary marker) is no entry, and goes once stale', async () => {
  const dir = await scratch({});
  const root = path.join(dir, 'cache');
  await mkdir(path.join(root, `${KEY}-0123456789ab`, '0'), { recursive: true });
  await writeFile(path.join(root, `${KEY}-0123456789ab`, '0', 'half'), 'half written');
  await writeFile(path.join(root, `.${KEY}.0123456789ab.tmp`), '{"version":1,');
  const cache = await StepCache.open(root);
  assert.equal(await cache.lookup(KEY), undefined, 'no marker: no entry');
  assert.equal(await cache.removeStale(), 0, 'fresh leftovers may be a live run\'s: kept');
  const old = new Date(Date.now() - 7 * 3600_000);
  for (const n of await readdir(root)) await utimes(path.join(root, n), old, old);
  assert.equal(await cache.removeStale(), 2);
  assert.deepEqual(await readdir(root), []);
  // A published entry's data is never stale, however old.
  await cache.publish(KEY, await jobOutputs(dir), 'step');
  for (const n of await readdir(root)) await utimes(path.join(root, n), old, old);
  assert.equal(await cache.removeStale(), 0);
  assert.ok(await cache.lookup(KEY));
  // The data of a publisher that lost a race (its marker was replaced) goes once stale.
  await mkdir(path.join(root, `${KEY}-ffffffffffff`));
  await utimes(path.join(root, `${KEY}-ffffffffffff`), old, old);
  assert.equal(await cache.removeStale(), 1);
  assert.equal((await readdir(root)).length, 2, 'the marker and its data');
  assert.ok(await cache.lookup(KEY));
});

test('a marker that cannot be read is a miss, not an error', async () => {
  const dir = await scratch({});
  const root = path.join(dir, 'cache');
  await mkdir(root);
  await writeFile(path.join(root, `${KEY}.json`), 'not json');
  assert.equal(await (await StepCache.open(root)).lookup(KEY), undefined);
});

test('content checksums: Files by content, Directories by their whole tree', async () => {
  const dir = await scratch({ 'a.txt': 'same', 'b.txt': 'same', 'c.txt': 'other' });
  await mkdir(path.join(dir, 'd1', 'in'), { recursive: true });
  await mkdir(path.join(dir, 'd2', 'in'), { recursive: true });
  await writeFile(path.join(dir, 'd1', 'in', 'x'), '1');
  await writeFile(path.join(dir, 'd2', 'in', 'x'), '1');
  const sums = new ContentChecksums();
  const f = (n: string): Record<string, unknown> => ({ class: 'File', location: pathToUri(path.join(dir, n)) });
  const d = (n: string): Record<string, unknown> => ({ class: 'Directory', location: pathToUri(path.join(dir, n)) });
  const filled = await sums.fill({ a: f('a.txt'), b: f('b.txt'), c: f('c.txt'), d1: d('d1'), d2: d('d2') }) as Record<string, { checksum: string }>;
  assert.equal(filled.a!.checksum, filled.b!.checksum);
  assert.notEqual(filled.a!.checksum, filled.c!.checksum);
  assert.equal(filled.d1!.checksum, filled.d2!.checksum);
  await writeFile(path.join(dir, 'd2', 'in', 'x'), '2');
  const again = await sums.fill({ d2: d('d2') }) as Record<string, { checksum: string }>;
  assert.notEqual(again.d2!.checksum, filled.d1!.checksum, 'a change deep inside a directory changes its checksum');
});
