import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourcePool } from '../../src/schedule/resourcePool.js';
import { parseQuantityMiB } from '../../src/model/quantity.js';

const one = { cores: 1, ram: 100, gpus: 0 };

test('admits only what fits, and the next job when one releases', async () => {
  const pool = new ResourcePool({ cores: 2, ram: 1000, gpus: 0 });
  const r1 = await pool.acquire(one, 'a');
  const r2 = await pool.acquire(one, 'b');
  let third = false;
  const p3 = pool.acquire(one, 'c').then((r) => { third = true; return r; });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false);
  assert.equal(pool.running, 2);
  assert.equal(pool.queued, 1);
  r1();
  const r3 = await p3;
  assert.equal(third, true);
  r2(); r3();
  assert.equal(pool.running, 0);
});

test('a request that can never fit fails at once, naming the step and the limit', async () => {
  const pool = new ResourcePool({ cores: 4, ram: 2048, gpus: 0 });
  await assert.rejects(pool.acquire({ cores: 1, ram: 999000, gpus: 0 }, 'wf/big'), /wf\/big: .*999000 MiB of RAM > --max-ram 2048 MiB/);
  await assert.rejects(pool.acquire({ cores: 8, ram: 1, gpus: 0 }, 'wf/wide'), /8 cores > --max-cores 4/);
});

test('aborting rejects waiting jobs and keeps the others', async () => {
  const pool = new ResourcePool({ cores: 1, ram: 1000, gpus: 0 });
  const release = await pool.acquire(one, 'a');
  const stop = new AbortController();
  const waiting = pool.acquire(one, 'b', stop.signal);
  const other = pool.acquire(one, 'c');
  stop.abort(new Error('stopped'));
  await assert.rejects(waiting, /stopped/);
  release();
  (await other)();
  assert.equal(pool.queued, 0);
});

test('memory quantities parse as Kubernetes does', () => {
  assert.equal(parseQuantityMiB('512Mi'), 512);
  assert.equal(parseQuantityMiB('2Gi'), 2048);
  assert.equal(parseQuantityMiB('128G'), Math.floor(128e9 / 2 ** 20));
  assert.equal(parseQuantityMiB('1048576'), 1);
  assert.throws(() => parseQuantityMiB('lots'), /not a memory quantity/);
});
