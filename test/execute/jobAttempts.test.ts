/**
 * Retries above the backends: a job is admitted through the resource pool
 * for every attempt, at the attempt's size. The OOM cases use a backend that
 * plays a cluster's outcomes (the seam is the Backend interface; the real
 * pods are in test/backends/kubernetes/oomRetry.test.ts); temporary failures
 * run real processes on the host backend.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Backend, JobOutcome } from '../../src/backends/backend.js';
import { HostBackend } from '../../src/backends/host/hostBackend.js';
import type { CommandLineJob } from '../../src/job/commandLineJob.js';
import { ExpressionEngines } from '../../src/expressions/engines.js';
import { RequirementSet } from '../../src/model/requirements.js';
import { evaluateResources } from '../../src/job/resources.js';
import { JobFailed } from '../../src/execute/jobFailure.js';
import { runWithRetries, type AttemptParts, type JobScope, type ToolJob } from '../../src/execute/jobAttempts.js';
import { ScratchSpace } from '../../src/execute/scratchSpace.js';
import type { Clock, RetryLimits } from '../../src/execute/retryPolicy.js';
import { loadProcess } from '../../src/load/loadProcess.js';
import type { CommandLineTool } from '../../src/model/types.js';
import { SecretMask } from '../../src/job/secrets.js';
import { Progress } from '../../src/report/progress.js';
import { ResourcePool } from '../../src/schedule/resourcePool.js';

const LIMITS: RetryLimits = { temporaryFailures: 2, evictions: 3, oomKills: 2, backoff: { initialMs: 1000, factor: 2, maxMs: 30_000 } };

/** A clock that records each wait and does not wait. */
function recordingClock(): Clock & { readonly waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => { waits.push(ms); } };
}

interface Scratch { readonly dir: string; readonly logs: string[] }

async function scratch(t: TestContext): Promise<Scratch> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-attempts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { dir, logs: [] };
}

/** The runner's parts for the run, and the scope every job of these tests runs in. */
function context(s: Scratch, backend: Backend, maxRamMiB: number, clock: Clock): AttemptParts & { readonly scope: JobScope } {
  const prefixes = { tmpdir: `${path.join(s.dir, 'tmp')}/`, tmpOutdir: `${path.join(s.dir, 'out')}/` };
  return {
    backend, clock, retry: LIMITS,
    pool: new ResourcePool({ cores: 8, ram: maxRamMiB, gpus: 0 }),
    progress: new Progress(false),
    logger: pino({ level: 'warn', base: undefined }, { write: (line: string) => { s.logs.push((JSON.parse(line) as { msg: string }).msg); } }),
    secrets: new SecretMask(), jobs: {},
    scope: { signal: new AbortController().signal, scratch: new ScratchSpace(prefixes, backend.layout, false) },
  };
}

async function toolJob(s: Scratch, name: string, cwl: string, inputs: Record<string, unknown> = {}): Promise<ToolJob> {
  const file = path.join(s.dir, `${name}.cwl`);
  await writeFile(file, cwl);
  const tool = (await loadProcess(file)) as CommandLineTool;
  const requirements = RequirementSet.forProcess(tool);
  const engine = new ExpressionEngines().for(requirements);
  return { tool, inputs, requirements, engine, name, resources: await evaluateResources(requirements, engine, inputs, { version: 'v1.2', where: name }) };
}

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

test('temporaryFailCodes are retried --retries times on real processes, with the clock\'s backoff, each attempt in fresh directories', async (t) => {
  const s = await scratch(t);
  const counter = path.join(s.dir, 'attempts.txt');
  const flaky = `cwlVersion: v1.2
class: CommandLineTool
temporaryFailCodes: [42]
baseCommand: [sh, -c, 'pwd >> "$0"; [ "$(wc -l < "$0")" -ge 3 ] || exit 42']
arguments: [${JSON.stringify(counter)}]
inputs: []
outputs: []
`;
  const clock = recordingClock();
  const ctx = context(s, new HostBackend({ containers: false, logger: pino({ enabled: false }), docker: { forcePull: false, leaveContainer: false, clientEnvironment: {} } }), 1024, clock);
  const finished = await runWithRetries(await toolJob(s, 'flaky', flaky), ctx, ctx.scope);
  assert.equal(finished.outcome.code, 0);
  assert.deepEqual(clock.waits, [1000, 2000]);
  const dirs = (await readFile(counter, 'utf8')).trim().split('\n');
  assert.equal(new Set(dirs).size, 3, 'three attempts, three output directories');
  assert.deepEqual(await readdir(path.join(s.dir, 'out')), [path.basename(dirs[2]!)], 'only the successful attempt\'s directory is left');
  await finished.finish(false);

  await writeFile(counter, '');
  const never = flaky.replace('-ge 3', '-ge 9');
  const error = await runWithRetries(await toolJob(s, 'never', never), ctx, ctx.scope).catch((e: unknown) => e);
  assert.ok(error instanceof JobFailed);
  assert.equal(error.message, 'never: exited with temporary-failure code 42');
  assert.equal(error.attempts, 3, 'the first run and --retries 2');
});
