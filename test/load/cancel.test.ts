/**
 * Loading a large document or job file leaves the event loop free, so a
 * signal (or an abort) during loading ends it promptly (issue 9).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadProcess } from '../../src/load/loadProcess.js';
import { loadJobFile } from '../../src/load/jobFile.js';
import { runCli } from '../helpers/cli.js';
import { bigWorkflow, bigYamlJob, tempDir } from './hugeDocuments.js';

/** Runs `load` with a signal aborted after `afterMs`; returns how long after the abort it settled, and the timer ticks seen. */
async function abortDuring(load: (signal: AbortSignal) => Promise<unknown>, afterMs: number): Promise<{ settledMs: number; ticks: number; error: unknown }> {
  const abort = new AbortController();
  let ticks = 0;
  const ticker = setInterval(() => { ticks++; }, 50);
  let abortedAt = 0;
  const timer = setTimeout(() => { abortedAt = performance.now(); abort.abort(); }, afterMs);
  try {
    await load(abort.signal);
    return { settledMs: performance.now() - abortedAt, ticks, error: undefined };
  } catch (error) {
    return { settledMs: performance.now() - abortedAt, ticks, error };
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
  }
}

test('aborting the load of a large workflow rejects within 2 s, and the event loop runs meanwhile', async (t) => {
  const dir = await tempDir(t, { 'big.cwl': bigWorkflow(20_000) });
  const r = await abortDuring((signal) => loadProcess(path.join(dir, 'big.cwl'), { signal }), 300);
  assert.ok(r.error instanceof Error && r.error.name === 'AbortError', `expected an AbortError, got ${String(r.error)}`);
  assert.ok(r.settledMs < 2000, `settled ${Math.round(r.settledMs)} ms after the abort`);
  assert.ok(r.ticks >= 4, `the event loop ran only ${r.ticks} timer ticks in 300 ms`);
});

test('aborting the load of a large YAML job file rejects within 2 s', async (t) => {
  const dir = await tempDir(t, { 'job.yml': bigYamlJob(300_000) });
  const r = await abortDuring((signal) => loadJobFile(path.join(dir, 'job.yml'), { signal }), 300);
  assert.ok(r.error instanceof Error && r.error.name === 'AbortError', `expected an AbortError, got ${String(r.error)}`);
  assert.ok(r.settledMs < 2000, `settled ${Math.round(r.settledMs)} ms after the abort`);
  assert.ok(r.ticks >= 4, `the event loop ran only ${r.ticks} timer ticks in 300 ms`);
});

test('an abort before loading starts rejects at once', async () => {
  await assert.rejects(loadProcess('/nonexistent.cwl', { signal: AbortSignal.abort() }), { name: 'AbortError' });
});

// Needs src/cli/main.ts to pass its AbortController's signal to loadProcess and
// loadJobFile (`loadProcess(split.document, { signal: abort.signal })`); until
// then the CLI finishes loading before it notices the signal.
test('SIGTERM while the CLI loads a large workflow ends it within 2 s with the cancellation line', async (t) => {
  const dir = await tempDir(t, { 'big.cwl': bigWorkflow(20_000) });
  let pid = 0;
  const run = runCli(['--validate', 'big.cwl'], { cwd: dir, timeoutMs: 60_000, onSpawn: (p) => { pid = p; } });
  // Long enough for the CLI to have installed its handler (start-up takes ~0.3 s), well before loading ends (~7 s).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const signalledAt = performance.now();
  process.kill(pid, 'SIGTERM');
  // Not waiting for a load that ignores the signal to finish (~7 s).
  const killer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ } }, 2500);
  const r = await run.finally(() => clearTimeout(killer));
  const exitedMs = performance.now() - signalledAt;
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr, /^ERROR run cancelled by SIGTERM$/m);
  assert.doesNotMatch(r.stdout, /is valid CWL/);
  assert.ok(exitedMs < 2000, `exited ${Math.round(exitedMs)} ms after SIGTERM`);
});
