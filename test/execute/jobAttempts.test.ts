/**
 * Retries above the backends: a job is admitted through the resource pool
 * for every attempt, at the attempt's size. A backend that plays a
 * cluster's outcomes stands in (the seam is the Backend interface; the real
 * pods are in test/backends/kubernetes/oomRetry.test.ts); temporary failures
 * on real processes are in jobAttempts.itest.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Backend, JobOutcome } from '../../src/backends/backend.js';
import type { CommandLineJob } from '../../src/job/commandLineJob.js';
import { JobFailed } from '../../src/execute/jobFailure.js';
import { runWithRetries } from '../../src/execute/jobAttempts.js';
import { context, recordingClock, scratch, toolJob } from './jobAttemptParts.js';

const sized = (ram: number): string => `cwlVersion: v1.2
class: CommandLineTool
requirements: {ResourceRequirement: {ramMin: ${ram}, ramMax: ${ram}}}
baseCommand: ["true"]
inputs: []
outputs: []
`;

/**
 * Plays a cluster: `script(job)` says how each pod ends, and the backend
 * records the memory every running pod holds, to show what was committed.
 */
class PlayedCluster implements Backend {
  readonly name = 'played';
  readonly layout = { containers: 'never', containerPaths: 'engine', privateTmpdir: () => undefined } as const;
  readonly attempts: { step: string; ramMiB: number }[] = [];
  #runningMiB = 0;
  peakMiB = 0;
  constructor(readonly script: (job: CommandLineJob, attempt: number) => Promise<JobOutcome>) {}
  place(): 'pod' { return 'pod'; }
  async close(): Promise<void> {}
  async run(job: CommandLineJob): Promise<JobOutcome> {
    const ramMiB = job.resources.ramMax ?? 0;
    this.attempts.push({ step: job.name, ramMiB });
    this.#runningMiB += ramMiB;
    this.peakMiB = Math.max(this.peakMiB, this.#runningMiB);
    try {
      return await this.script(job, this.attempts.filter((a) => a.step === job.name).length);
    } finally {
      this.#runningMiB -= ramMiB;
    }
  }
}

const oomKilled = (job: CommandLineJob): JobOutcome => ({
  kind: 'podFailed', reason: 'OOMKilled', pod: `${job.name}-pod`, detail: 'OOMKilled', exitCode: 137, durationMs: 1, logTail: 'MemoryError',
});
const exitedOk: JobOutcome = { kind: 'exited', code: 0, durationMs: 1, stderrTail: '' };

test('an OOMKilled job whose doubled size can never fit --max-ram fails with one clear line, never over-committing', async (t) => {
  const s = await scratch(t);
  const cluster = new PlayedCluster(async (job) => oomKilled(job));
  const ctx = context(s, cluster, 1024, recordingClock());
  const error = await runWithRetries(await toolJob(s, 'hog', sized(600)), ctx, ctx.scope).catch((e: unknown) => e);
  assert.ok(error instanceof JobFailed, String(error));
  assert.equal(error.message.split('\n')[0], 'hog: pod hog-pod was OOMKilled (memory limit 600 MiB); a retry with 1200 MiB can never fit: 1200 MiB of RAM > --max-ram 1024 MiB');
  assert.deepEqual([error.step, error.attempts, error.outcome.kind === 'podFailed' && error.outcome.reason], ['hog', 1, 'OOMKilled']);
  assert.deepEqual(cluster.attempts, [{ step: 'hog', ramMiB: 600 }], 'no pod at 1200 MiB was ever started');
  assert.equal(ctx.pool.running, 0, 'the reservation was given back');
  assert.deepEqual(await readdir(path.join(s.dir, 'out')), [], "the failed attempt's directories are gone");
});

test('an OOM retry waits in the pool at its doubled size until others release: --max-ram is never over-committed', async (t) => {
  const s = await scratch(t);
  let releaseSibling!: () => void;
  const siblingHolds = new Promise<void>((resolve) => { releaseSibling = resolve; });
  const cluster = new PlayedCluster(async (job, attempt) => {
    if (job.name === 'sibling') { await siblingHolds; return exitedOk; }
    return attempt === 1 ? oomKilled(job) : exitedOk;
  });
  const ctx = context(s, cluster, 1500, recordingClock());
  const sibling = runWithRetries(await toolJob(s, 'sibling', sized(600)), ctx, ctx.scope);
  const hog = runWithRetries(await toolJob(s, 'hog', sized(600)), ctx, ctx.scope);
  // The hog's first pod ends OOMKilled while the sibling still holds its 600 MiB.
  while (cluster.attempts.length < 2) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(cluster.attempts.map((a) => `${a.step}@${a.ramMiB}`), ['sibling@600', 'hog@600'], 'the 1200 MiB retry does not start beside the sibling');
  assert.equal(ctx.pool.queued, 1, 'the retry waits in the pool');
  releaseSibling();
  const [done, retried] = await Promise.all([sibling, hog]);
  assert.deepEqual(cluster.attempts.map((a) => `${a.step}@${a.ramMiB}`), ['sibling@600', 'hog@600', 'hog@1200']);
  assert.ok(cluster.peakMiB <= 1500, `peak ${cluster.peakMiB} MiB`);
  assert.deepEqual(retried.built.resources, { ramMin: 1200, ramMax: 1200 });
  assert.equal(retried.built.runtime.ram, 1200, 'the retry sees its new size in runtime.ram');
  assert.match(s.logs.join('\n'), /hog: pod hog-pod was OOMKilled \(memory limit 600 MiB\); retrying with 1200 MiB \(1 of 2\)/);
  await done.finish(false);
  await retried.finish(false);
});
