/**
 * A signal while the CLI loads a large document ends it at once (issue 9):
 * loading runs in a worker, so the engine's thread is free to handle it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { bigWorkflow, tempDir } from './hugeDocuments.js';

/** Some thread of `pid` is the document loader's worker (src/load/worker.ts names it bespin-load). */
function loadsInWorker(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim() === 'bespin-load');
  } catch {
    return false;
  }
}

function kill(pid: number): void {
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ }
}

test('SIGTERM while the CLI loads a large workflow ends it with the cancellation line, before a load of half its size ends', { timeout: 240_000 }, async (t) => {
  const dir = await tempDir(t, { 'big.cwl': bigWorkflow(20_000), 'half.cwl': bigWorkflow(10_000) });
  // The baseline, run alongside on the same machine: a CLI loading half the
  // document. A run that noticed the signal only once loaded would end after it.
  let halfPid = 0;
  let halfEnded = false;
  let pid = 0;
  const half = runCli(['--validate', 'half.cwl'], { cwd: dir, timeoutMs: 230_000, onSpawn: (p) => { halfPid = p; } });
  const run = runCli(['--validate', 'big.cwl'], { cwd: dir, timeoutMs: 230_000, onSpawn: (p) => { pid = p; } });
  void half.then(() => { halfEnded = true; kill(pid); });
  // Signalled once its loader's worker runs: loading is under way (and the signal handler, installed first, long there).
  const poll = setInterval(() => {
    if (!loadsInWorker(pid)) return;
    clearInterval(poll);
    process.kill(pid, 'SIGTERM');
  }, 20);
  const r = await run.finally(() => clearInterval(poll));
  const halfStillLoading = !halfEnded;
  kill(halfPid);
  await half;
  assert.equal(r.code, 143, `code ${r.code}, signal ${r.signal}\n${r.stderr}`);
  assert.match(r.stderr, /^ERROR run cancelled by SIGTERM$/m);
  assert.doesNotMatch(r.stdout, /is valid CWL/);
  assert.ok(halfStillLoading, 'the signalled run ended only after a CLI loading half its document had finished');
});
