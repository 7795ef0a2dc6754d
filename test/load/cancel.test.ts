/**
 * Loading a large document or job file leaves the event loop free, so a
 * signal (or an abort) during loading ends it promptly (issue 9).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import path from 'node:path';
import { loadProcess } from '../../src/load/loadProcess.js';
import { loadJobFile } from '../../src/load/jobFile.js';
import { bigWorkflow, bigYamlJob, tempDir } from './hugeDocuments.js';

/**
 * Runs `load` and aborts it 300 ms after it has started its worker thread
 * (a large input is loaded there); answers how it settled and whether that
 * was before the event loop turned again after the abort. The abort is a
 * timer of this thread: that it fires at all shows the thread free while
 * the worker loads.
 */
async function abortInWorker(load: (signal: AbortSignal) => Promise<unknown>): Promise<{ error: unknown; beforeNextTurn: boolean }> {
  const abort = new AbortController();
  let turned = false;
  let timer: NodeJS.Timeout | undefined;
  const onWorker = (): void => {
    timer ??= setTimeout(() => { abort.abort(); setImmediate(() => { turned = true; }); }, 300);
  };
  diagnosticsChannel.subscribe('worker_threads', onWorker);
  try {
    await load(abort.signal);
    return { error: undefined, beforeNextTurn: !turned };
  } catch (error) {
    return { error, beforeNextTurn: !turned };
  } finally {
    diagnosticsChannel.unsubscribe('worker_threads', onWorker);
    clearTimeout(timer);
  }
}

test('aborting the load of a large workflow while its worker runs rejects at once, before the event loop turns again', async (t) => {
  const dir = await tempDir(t, { 'big.cwl': bigWorkflow(20_000) });
  const r = await abortInWorker((signal) => loadProcess(path.join(dir, 'big.cwl'), { signal }));
  assert.ok(r.error instanceof Error && r.error.name === 'AbortError', `expected an AbortError, got ${String(r.error)}`);
  assert.ok(r.beforeNextTurn, 'the load settled only after the event loop had turned again');
});

test('aborting the load of a large YAML job file while its worker runs rejects at once', async (t) => {
  const dir = await tempDir(t, { 'job.yml': bigYamlJob(300_000) });
  const r = await abortInWorker((signal) => loadJobFile(path.join(dir, 'job.yml'), { signal }));
  assert.ok(r.error instanceof Error && r.error.name === 'AbortError', `expected an AbortError, got ${String(r.error)}`);
  assert.ok(r.beforeNextTurn, 'the load settled only after the event loop had turned again');
});

test('an abort before loading starts rejects at once', async () => {
  await assert.rejects(loadProcess('/nonexistent.cwl', { signal: AbortSignal.abort() }), { name: 'AbortError' });
});
