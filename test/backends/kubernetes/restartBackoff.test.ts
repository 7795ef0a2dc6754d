import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff } from '../../../src/backends/kubernetes/restartBackoff.js';

test('the informer restart backoff doubles from 0.5 s to a 30 s cap while failures follow each other', () => {
  let now = 0;
  const backoff = new RestartBackoff(500, 30_000, 60_000, () => now);
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) {
    const d = backoff.failed();
    delays.push(d);
    now += d + 100; // it fails again 0.1 s after each restart
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

test('it starts again from 0.5 s after running healthy for a minute, and not before', () => {
  let now = 0;
  const backoff = new RestartBackoff(500, 30_000, 60_000, () => now);
  for (let i = 0; i < 4; i++) now += backoff.failed() + 10;
  // Restarted at `now - 10`; 59 s of health is not enough.
  now += 59_000;
  assert.equal(backoff.failed(), 8000);
  now += 8000 + 60_000;
  assert.equal(backoff.failed(), 500);
  now += 500 + 10;
  assert.equal(backoff.failed(), 1000);
});
