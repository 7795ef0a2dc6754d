import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentFailure } from '../../src/errors.js';
import { InplaceUpdates } from '../../src/execute/inplaceUpdates.js';
import type { StagingEntry } from '../../src/job/staging.js';

const writable: StagingEntry[] = [{ kind: 'link', source: '/data/r.txt', target: '/out/r.txt', writable: true }];
const readOnly: StagingEntry[] = [{ kind: 'link', source: '/data/r.txt', target: '/out/r.txt', writable: false }];
const input = { rf: { class: 'File', location: 'file:///data/r.txt' } };
const updated = (checksum: string) => ({ out: { class: 'File', location: 'file:///data/r.txt', checksum } });

test('a second step updating the same input in place is refused, naming both steps', () => {
  const updates = new InplaceUpdates();
  updates.claim('s1', writable, input);
  assert.throws(() => updates.claim('s2', writable, input),
    (e: unknown) => e instanceof PermanentFailure && /^s2: wants to update \/data\/r\.txt in place while step s1 is updating it/.test(e.message));
  updates.release('s1', updated('sha1$aa'));
  assert.throws(() => updates.claim('s2', writable, input), /s2: wants to update \/data\/r\.txt in place, but step s1 already updated it; take the file from s1's output/);
});

test('the updating step\'s output may be updated again; reading and retrying are not updates by another step', () => {
  const updates = new InplaceUpdates();
  updates.claim('s1', writable, input);
  updates.claim('s1', writable, input);
  updates.claim('reader', readOnly, input);
  updates.release('s1', updated('sha1$aa'));
  updates.claim('s2', writable, updated('sha1$aa'));
  updates.release('s2', updated('sha1$bb'));
  assert.throws(() => updates.claim('s3', writable, updated('sha1$aa')), /but step s2 already updated it/);
  updates.claim('s3', writable, updated('sha1$bb'));
});
