import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachFile, forEachFileAsync, mapFiles, mapFilesAsync } from '../../src/model/fileWalk.js';
import type { FileOrDirectory } from '../../src/model/types.js';

/** A job object with Files in arrays, records, secondaryFiles and a Directory listing, and a branch with none. */
function jobObject(): Record<string, unknown> {
  return {
    reads: [{ class: 'File', location: 'file:///d/a.bam', secondaryFiles: [{ class: 'File', location: 'file:///d/a.bai' }] }],
    sample: { name: 's1', ref: { class: 'Directory', location: 'file:///d/ref', listing: [{ class: 'File', location: 'file:///d/ref/x.fa' }] } },
    plain: { n: 3, tags: ['a', 'b'] },
  };
}

test('forEachFile visits every File and Directory, parents first', () => {
  const seen: string[] = [];
  forEachFile(jobObject(), (f) => seen.push(f.location));
  assert.deepEqual(seen, ['file:///d/a.bam', 'file:///d/a.bai', 'file:///d/ref', 'file:///d/ref/x.fa']);
});

test('descend decides whether secondaryFiles and listings are walked', () => {
  const seen: string[] = [];
  forEachFile(jobObject(), (f) => seen.push(f.location), { descend: (f) => f.class === 'File' });
  assert.deepEqual(seen, ['file:///d/a.bam', 'file:///d/a.bai', 'file:///d/ref']);
});

test('forEachFileAsync walks what a visitor put in place of the nested ones', async () => {
  const value = jobObject();
  const seen: string[] = [];
  await forEachFileAsync(value, async (f) => {
    seen.push(f.location);
    if (f.class === 'Directory') f.listing = [{ class: 'File', location: 'file:///d/ref/y.fa' }];
  });
  assert.deepEqual(seen, ['file:///d/a.bam', 'file:///d/a.bai', 'file:///d/ref', 'file:///d/ref/y.fa']);
});

test('mapFiles replaces Files at every depth and copies only the containers on the way', () => {
  const value = jobObject();
  const before = JSON.stringify(value);
  const mapped = mapFiles(value, (f) => ({ ...f, location: f.location.replace('/d/', '/e/') }) as FileOrDirectory);
  const locations: string[] = [];
  forEachFile(mapped, (f) => locations.push(f.location));
  assert.deepEqual(locations, ['file:///e/a.bam', 'file:///e/a.bai', 'file:///e/ref', 'file:///e/ref/x.fa']);
  assert.equal(JSON.stringify(value), before, 'the input is not changed');
  assert.equal(mapped.plain, value.plain, 'a branch without Files is shared');
  assert.notEqual(mapped.sample, value.sample);
});

test('mapFiles returns the very value when the map changes nothing', () => {
  const value = jobObject();
  assert.equal(mapFiles(value, (f) => f), value);
});

test('mapFilesAsync maps one File at a time, in document order', async () => {
  let running = 0;
  const order: string[] = [];
  const mapped = await mapFilesAsync(jobObject(), async (f) => {
    running++;
    assert.equal(running, 1);
    await new Promise((resolve) => setTimeout(resolve, 1));
    running--;
    order.push(f.location);
    return { ...f, checksum: 'sha1$0' } as FileOrDirectory;
  }, { descend: (f) => f.class === 'Directory' });
  assert.deepEqual(order, ['file:///d/a.bam', 'file:///d/ref', 'file:///d/ref/x.fa']);
  const sums: unknown[] = [];
  forEachFile(mapped, (f) => sums.push(f.checksum));
  assert.deepEqual(sums, ['sha1$0', undefined, 'sha1$0', 'sha1$0'], 'the secondary file was not descended into');
});
