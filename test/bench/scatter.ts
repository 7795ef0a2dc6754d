/**
 * `npm run bench`: a 2,000-way scatter of a trivial echo tool on the local
 * process backend, with bespin and with `cwltool --parallel` side by side,
 * then a 10,000-way scatter with bespin alone. Prints wall time and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../src/cli/main.js');
const workflow = path.resolve(here, '../../../test/bench/fixtures/scatter-echo.cwl');
// Run bespin with the node flags of its own shebang, as the installed command runs.
const shebangFlags = readFileSync(cli, 'utf8').split('\n')[0]!.split(/\s+/).filter((w) => w.startsWith('--'));

interface Measurement { seconds: number; peakMiB: number; ok: boolean }

/** Wall time and the child's peak RSS (getrusage of children, via Python's resource module). */
function measure(argv: string[]): Measurement {
  const script = [
    'import json, resource, subprocess, sys, time',
    't = time.perf_counter()',
    'rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode',
    'dt = time.perf_counter() - t',
    'print(json.dumps({"seconds": dt, "peakKiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "rc": rc}))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, ...argv], { encoding: 'utf8' });
  const parsed = JSON.parse(r.stdout) as { seconds: number; peakKiB: number; rc: number };
  return { seconds: parsed.seconds, peakMiB: parsed.peakKiB / 1024, ok: parsed.rc === 0 };
}

function jobFile(n: number): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bespin-bench-')), `scatter-${n}.json`);
  writeFileSync(file, JSON.stringify({ items: Array.from({ length: n }, (_, i) => `item${i}`) }));
  return file;
}

function run(label: string, argv: (outdir: string) => string[]): Measurement {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'bespin-bench-out-'));
  try {
    const m = measure(argv(outdir));
    console.log(`${label.padEnd(34)} ${m.ok ? '' : '(FAILED) '}${m.seconds.toFixed(2).padStart(7)} s  peak RSS ${m.peakMiB.toFixed(0).padStart(4)} MiB`);
    return m;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const n = Number(process.env.BENCH_SCATTER ?? 2000);
const wide = Number(process.env.BENCH_SCATTER_WIDE ?? 10000);
const job = jobFile(n);
const bespin = run(`bespin ${n}-way scatter`, (o) => [process.execPath, ...shebangFlags, cli, '--quiet', '--outdir', o, workflow, job]);
const cwltoolFound = spawnSync('cwltool', ['--version'], { stdio: 'ignore' }).status === 0;
let failed = !bespin.ok;
if (cwltoolFound) {
  const cwltool = run(`cwltool --parallel ${n}-way scatter`, (o) => ['cwltool', '--parallel', '--quiet', '--outdir', o, workflow, job]);
  console.log(`ratio: bespin is ${(cwltool.seconds / bespin.seconds).toFixed(1)}x faster, uses ${(bespin.peakMiB / cwltool.peakMiB).toFixed(1)}x the memory`);
} else {
  console.log('cwltool not installed: side-by-side run skipped');
}
const big = run(`bespin ${wide}-way scatter`, (o) => [process.execPath, ...shebangFlags, cli, '--quiet', '--outdir', o, workflow, jobFile(wide)]);
failed ||= !big.ok;
process.exitCode = failed ? 1 : 0;
