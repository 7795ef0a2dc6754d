/**
 * Retries above the backends on real processes: temporaryFailCodes retried
 * on the host backend, each attempt in fresh directories, with the clock's
 * backoff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { HostBackend } from '../../src/backends/host/hostBackend.js';
import { JobFailed } from '../../src/execute/jobFailure.js';
import { runWithRetries } from '../../src/execute/jobAttempts.js';
import { context, recordingClock, scratch, toolJob } from './jobAttemptParts.js';

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
