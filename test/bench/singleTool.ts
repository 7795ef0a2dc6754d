/**
 * Wall time of one `echo` tool run, end to end (process start to exit), for
 * bespin and, when it is installed, cwltool: the engine's fixed overhead.
 * bespin is timed warm (its schema-verdict and compile caches filled by an
 * earlier run) and cold (an empty cache directory every run). Run with
 * `npm run bench:tool`; BENCH_RUNS sets the runs (10), BENCH_CLI another
 * build's CLI to time instead (for A/B comparisons: its dist/bundle/bespin.js,
 * or dist/src/cli/main.js for one from before the bundle).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : CLI;
const tool = path.resolve(here, '../../../test/examples/echo.cwl');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'bespin-bench-'));
const outdir = path.join(scratch, 'out');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall seconds of `runs` runs; `before` runs untimed ahead of each one (to empty a cache). */
function time(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env, before?: () => void): number | undefined {
  const samples: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    before?.();
    const started = performance.now();
    const r = spawnSync(command, args, { stdio: 'ignore', env });
    if (r.error || r.status !== 0) return undefined;
    if (i > 0) samples.push((performance.now() - started) / 1000); // the first run warms the OS's file caches
  }
  return median(samples);
}

const runs = Number(process.env.BENCH_RUNS ?? 10);
const args = ['--quiet', '--outdir', outdir, tool, '--message', 'hello'];
// As the CLI's shebang runs it.
const bespinArgs = ['--max-semi-space-size=1', cli, ...args];
const warmCache = path.join(scratch, 'warm-cache');
const coldCache = path.join(scratch, 'cold-cache');
const warm = time(process.execPath, bespinArgs, runs, { ...process.env, BESPIN_CACHE_DIR: warmCache });
const cold = time(process.execPath, bespinArgs, runs, { ...process.env, BESPIN_CACHE_DIR: coldCache }, () => rmSync(coldCache, { recursive: true, force: true }));
const cwltool = time('cwltool', args, Math.min(runs, 5));
rmSync(scratch, { recursive: true, force: true });
if (warm === undefined || cold === undefined) {
  console.error(`bespin (${cli}) failed to run the echo tool`);
  process.exit(1);
}
const row = (name: string, s: number, n: number) => console.log(`${name.padEnd(14)} ${s.toFixed(3).padStart(7)} s  (median of ${n})${cwltool !== undefined ? `  cwltool/this ${(cwltool / s).toFixed(1)}x` : ''}`);
console.log(`echo tool, wall time per run  (${cli})`);
row('bespin warm', warm, runs);
row('bespin cold', cold, runs);
if (cwltool !== undefined) row('cwltool', cwltool, Math.min(runs, 5));
else console.log('cwltool        not installed, skipped');
