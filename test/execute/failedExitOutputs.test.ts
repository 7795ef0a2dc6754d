/**
 * A job that fails for good by exiting keeps what can be collected from it
 * (cwltool's partial outputs): they travel with the failure, weigh in its
 * usage row, and keep its output directory. A played backend stands in for
 * the process; the real runs are the corpus's failed-exit-outputs cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Backend, JobOutcome } from '../../src/backends/backend.js';
import type { CommandLineJob } from '../../src/job/commandLineJob.js';
import { JobFailed } from '../../src/execute/jobFailure.js';
import { runWithRetries, type CollectFailed } from '../../src/execute/jobAttempts.js';
import type { TaskUsage } from '../../src/execute/jobReporting.js';
import { partialOutputsOf } from '../../src/execute/partialOutputs.js';
import { context, recordingClock, scratch, toolJob, type Scratch } from './jobAttemptParts.js';

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: ["true"]
temporaryFailCodes: [75]
inputs: []
outputs: []
`;

/** Each attempt writes partial.txt (8 bytes) into its output directory and ends as `outcomes` says, in turn. */
class PlayedRuns implements Backend {
  readonly name = 'played';
  readonly layout = { containers: 'never', containerPaths: 'engine', privateTmpdir: () => undefined } as const;
  #attempt = 0;
  constructor(readonly outcomes: readonly JobOutcome[]) {}
  place(): 'host' { return 'host'; }
  async close(): Promise<void> {}
  async run(job: CommandLineJob): Promise<JobOutcome> {
    await writeFile(path.join(job.dirs.hostOutdir, 'partial.txt'), 'partial\n');
    return this.outcomes[this.#attempt++]!;
  }
}

const exited = (code: number): JobOutcome => ({ kind: 'exited', code, durationMs: 1, stderrTail: '' });

/** Runs the tool on `outcomes` with `collect`: the failure (or undefined), the usage rows, the output directories left. */
async function run(s: Scratch, outcomes: readonly JobOutcome[], collect: CollectFailed): Promise<{ error: unknown; rows: TaskUsage[]; left: string[] }> {
  const rows: TaskUsage[] = [];
  const ctx = { ...context(s, new PlayedRuns(outcomes), 1024, recordingClock()), usage: { add: (row: TaskUsage) => { rows.push(row); } } };
  const error = await runWithRetries(await toolJob(s, 'step', TOOL), ctx, ctx.scope, collect).then(
    async (finished) => { await finished.finish(false); return undefined; },
    (e: unknown) => e,
  );
  return { error, rows, left: await readdir(path.join(s.dir, 'out')) };
}

/** The collect stage, played: partial.txt as the output `out`. */
const collectPartial: CollectFailed = async (built) => ({
  out: { class: 'File', location: `file://${built.dirs.hostOutdir}/partial.txt`, basename: 'partial.txt', size: 8 },
});

test('a final exit: its collected outputs are recorded with the failure, its disk is their size, its output directory stays', async (t) => {
  const s = await scratch(t);
  const { error, rows, left } = await run(s, [exited(3)], collectPartial);
  assert.ok(error instanceof JobFailed, String(error));
  assert.equal(error.message, 'step: exited with code 3');
  const partial = partialOutputsOf(error, 'step') as { out: { size: number; location: string } } | undefined;
  assert.equal(partial?.out.size, 8);
  assert.equal(partialOutputsOf(error, 'other'), undefined, 'only the step that failed owns them');
  assert.deepEqual(rows.map((r) => [r.exitCode, r.outputBytes]), [[3, 8]]);
  assert.equal(left.length, 1, 'the output directory holding partial.txt stays for relocation');
  assert.ok(partial.out.location.includes(left[0]!));
});

test('a collection that fails leaves no outputs and the exit its own failure; the directory goes', async (t) => {
  const s = await scratch(t);
  const { error, rows, left } = await run(s, [exited(3)], async () => { throw new Error("output 'missing': no file matches"); });
  assert.ok(error instanceof JobFailed, String(error));
  assert.equal(error.message, 'step: exited with code 3');
  assert.equal(partialOutputsOf(error), undefined);
  assert.deepEqual(rows.map((r) => [r.exitCode, r.outputBytes]), [[3, 0]]);
  assert.deepEqual(left, []);
});

test('an exit that is retried is not collected; nor is a failure that is no exit (a time limit)', async (t) => {
  const s = await scratch(t);
  let collected = 0;
  const counting: CollectFailed = async (built, outcome) => { collected++; return collectPartial(built, outcome); };
  const retried = await run(s, [exited(75), exited(0)], counting);
  assert.equal(retried.error, undefined);
  assert.equal(collected, 0, 'the temporary failure was retried, and the success is the runner\'s to collect');
  assert.deepEqual(retried.rows.map((r) => [r.exitCode, r.outputBytes]), [[75, 0], [0, 0]]);
  const timedOut = await run(s, [{ kind: 'timedOut', limitSeconds: 1, durationMs: 1000, stderrTail: '' }], counting);
  assert.ok(timedOut.error instanceof JobFailed);
  assert.equal(partialOutputsOf(timedOut.error), undefined);
  assert.equal(collected, 0);
  assert.deepEqual(timedOut.left, []);
});
