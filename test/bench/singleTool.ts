/**
 * Wall time of one `echo` tool run, end to end (process start to exit), for
 * bespin and, when it is installed, cwltool: the engine's fixed overhead.
 * Run with `npm run bench:tool`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../src/cli/main.js');
const tool = path.resolve(here, '../../../test/examples/echo.cwl');
const outdir = mkdtempSync(path.join(os.tmpdir(), 'bespin-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(command: string, args: string[], runs: number): number | undefined {
  const samples: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const r = spawnSync(command, args, { stdio: 'ignore' });
    if (r.error || r.status !== 0) return undefined;
    if (i > 0) samples.push((performance.now() - started) / 1000); // the first run warms caches
  }
  return median(samples);
}

const runs = Number(process.env.BENCH_RUNS ?? 10);
const args = ['--quiet', '--outdir', outdir, tool, '--message', 'hello'];
const bespin = time(process.execPath, [cli, ...args], runs);
const cwltool = time('cwltool', args, Math.min(runs, 5));
if (bespin === undefined) {
  console.error('bespin failed to run the echo tool');
  process.exit(1);
}
console.log(`bespin  echo: ${bespin.toFixed(3)} s (median of ${runs})`);
if (cwltool !== undefined) console.log(`cwltool echo: ${cwltool.toFixed(3)} s (median), ${(cwltool / bespin).toFixed(1)}x bespin`);
else console.log('cwltool: not installed, skipped');
