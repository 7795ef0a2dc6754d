/** What a job's attempts run with, built for the tests of jobAttempts (.test.ts and .itest.ts): a scratch directory, the runner's parts, a loaded tool job. */
import type { TestContext } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Backend } from '../../src/backends/backend.js';
import { ExpressionEngines } from '../../src/expressions/engines.js';
import { RequirementSet } from '../../src/model/requirements.js';
import { evaluateResources } from '../../src/job/resources.js';
import type { AttemptParts, JobScope, ToolJob } from '../../src/execute/jobAttempts.js';
import { ScratchSpace } from '../../src/execute/scratchSpace.js';
import type { Clock, RetryLimits } from '../../src/execute/retryPolicy.js';
import { loadProcess } from '../../src/load/loadProcess.js';
import type { CommandLineTool } from '../../src/model/types.js';
import { SecretMask } from '../../src/job/secrets.js';
import { Progress } from '../../src/report/progress.js';
import { ResourcePool } from '../../src/schedule/resourcePool.js';

export const LIMITS: RetryLimits = { temporaryFailures: 2, evictions: 3, oomKills: 2, backoff: { initialMs: 1000, factor: 2, maxMs: 30_000 } };

/** A clock that records each wait and does not wait. */
export function recordingClock(): Clock & { readonly waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => { waits.push(ms); } };
}

export interface Scratch { readonly dir: string; readonly logs: string[] }

export async function scratch(t: TestContext): Promise<Scratch> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-attempts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { dir, logs: [] };
}

/** The runner's parts for the run, and the scope every job of these tests runs in. */
export function context(s: Scratch, backend: Backend, maxRamMiB: number, clock: Clock): AttemptParts & { readonly scope: JobScope } {
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

export async function toolJob(s: Scratch, name: string, cwl: string, inputs: Record<string, unknown> = {}): Promise<ToolJob> {
  const file = path.join(s.dir, `${name}.cwl`);
  await writeFile(file, cwl);
  const tool = (await loadProcess(file)) as CommandLineTool;
  const requirements = RequirementSet.forProcess(tool);
  const engine = new ExpressionEngines().for(requirements);
  return { tool, inputs, requirements, engine, name, resources: await evaluateResources(requirements, engine, inputs, { version: 'v1.2', where: name }) };
}
