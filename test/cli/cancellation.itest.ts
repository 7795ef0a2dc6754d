/**
 * The cancellation deadline holds even when the engine's thread is busy (no
 * timer of it can fire then): a process that handled SIGTERM and then blocks
 * its thread still ends, with the one ERROR line, by the signal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CANCELLATION = fileURLToPath(new URL('../../src/cli/cancellation.js', import.meta.url));

/** A process that cancels on SIGTERM with a 500 ms deadline, then (once told it was cancelled) blocks its thread for ever. */
const BLOCKS_AFTER_THE_SIGNAL = `
const { watchSignals } = await import(${JSON.stringify(CANCELLATION)});
const cancel = watchSignals(500);
cancel.controller.signal.addEventListener('abort', () => setImmediate(() => { for (;;) {} }));
process.stderr.write('ready\\n');
setInterval(() => {}, 1000);
`;

function runBlocking(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', BLOCKS_AFTER_THE_SIGNAL], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the blocked process did not end: ${stderr}`)); }, 30_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr === 'ready\n') child.kill('SIGTERM');
    });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr }); });
  });
}

test('a run whose thread blocks after SIGTERM still ends by its deadline, with one ERROR line', { timeout: 60_000 }, async () => {
  const r = await runBlocking();
  assert.equal(r.signal, 'SIGTERM', `code ${r.code}: ${r.stderr}`);
  assert.deepEqual(r.stderr.split('\n').filter((l) => l.startsWith('ERROR')), [
    'ERROR run cancelled by SIGTERM; the run did not stop within 0.5 s of the signal, so the engine ended it (a step container or pod may be left)',
  ]);
});
