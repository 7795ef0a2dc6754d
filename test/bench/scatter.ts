/**
 * `npm run bench`: a 2,000-way scatter of a trivial `echo` on the local
 * process backend, run by bespin, by `cwltool --parallel` and as the same
 * 2,000 processes spawned straight from Node (the floor), in the same run;
 * then bespin alone at 5,000 and 10,000 for linearity. Prints one markdown
 * table (wall, CPU, peak RSS, ratios) and writes it to
 * test/bench/results/<date>-<commit>.md.
 *
 * Then a scatter whose elements all write `out.txt` (the common EO shape),
 * at BENCH_SAME_NAME_WIDTHS (2000,10000): relocation into --outdir names
 * them out.txt, out.txt_2, … and must stay linear.
 *
 * BENCH_SCATTER (2000) and BENCH_WIDTHS (5000,10000) set the widths;
 * BENCH_CWLTOOL=0 skips cwltool; BENCH_CLI times another build of bespin
 * (its dist/bundle/bespin.js, or dist/src/cli/main.js before the bundle) for A/B runs; BENCH_NODE_FLAGS adds node
 * flags to bespin's; BENCH_WRITE=0 writes no file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, cliCommand } from '../helpers/cli.js';
import { benchCommit, keepBenchResult } from './benchResults.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const cli = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : CLI;
const rawSpawn = path.resolve(here, 'rawSpawn.js');
const workflow = path.join(repo, 'test/bench/fixtures/scatter-echo.cwl');
const sameNameWorkflow = path.join(repo, 'test/bench/fixtures/scatter-same-name.cwl');
// Run bespin with the node flags of its own shebang, as the installed command runs.
const shebangFlags = cliCommand(cli).slice(1, -1);
// BENCH_NODE_FLAGS adds node flags after the shebang's (to try a flag before it goes into the shebang).
const extraFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter((w) => w !== '');
// bespin's default --max-cores: the raw spawns run as many at a time.
const cores = os.availableParallelism();

interface Measurement {
  readonly label: string;
  readonly width: number;
  readonly seconds: number;
  /** User + system time of the command and every process it waited for (the echos too). */
  readonly cpuSeconds: number;
  readonly peakMiB: number;
  readonly ok: boolean;
}

/** Wall time, CPU time and peak RSS of one command, from getrusage of children (via Python's resource module). */
function measure(label: string, width: number, argv: (outdir: string) => string[]): Measurement {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'bespin-bench-out-'));
  const script = [
    'import json, resource, subprocess, sys, time',
    't = time.perf_counter()',
    'rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode',
    'dt = time.perf_counter() - t',
    'u = resource.getrusage(resource.RUSAGE_CHILDREN)',
    'print(json.dumps({"seconds": dt, "cpu": u.ru_utime + u.ru_stime, "peakKiB": u.ru_maxrss, "rc": rc}))',
  ].join('\n');
  try {
    const r = spawnSync('python3', ['-c', script, ...argv(outdir)], { encoding: 'utf8' });
    const parsed = JSON.parse(r.stdout) as { seconds: number; cpu: number; peakKiB: number; rc: number };
    const m = { label, width, seconds: parsed.seconds, cpuSeconds: parsed.cpu, peakMiB: parsed.peakKiB / 1024, ok: parsed.rc === 0 };
    console.error(`${label.padEnd(24)} ${String(width).padStart(6)}  ${m.ok ? '' : '(FAILED) '}${m.seconds.toFixed(2)} s wall, ${m.cpuSeconds.toFixed(2)} s CPU, ${m.peakMiB.toFixed(0)} MiB`);
    return m;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function jobFile(dir: string, n: number): string {
  const file = path.join(dir, `scatter-${n}.json`);
  writeFileSync(file, JSON.stringify({ items: Array.from({ length: n }, (_, i) => `item${i}`) }));
  return file;
}

const bespinArgv = (job: string, doc = workflow) => (o: string): string[] => [process.execPath, ...shebangFlags, ...extraFlags, cli, '--quiet', '--outdir', o, doc, job];

const SAME_NAME = 'bespin, one output name';

function widths(): { base: number; wide: number[] } {
  const base = Number(process.env.BENCH_SCATTER ?? 2000);
  const wide = (process.env.BENCH_WIDTHS ?? '5000,10000').split(',').filter((w) => w.trim() !== '').map(Number);
  return { base, wide };
}

function runAll(jobsDir: string): Measurement[] {
  const { base, wide } = widths();
  const job = jobFile(jobsDir, base);
  const rows = [measure('bespin', base, bespinArgv(job))];
  rows.push(measure(`node spawn (${cores} at a time)`, base, (o) => [process.execPath, rawSpawn, String(base), String(cores), o]));
  const cwltoolFound = process.env.BENCH_CWLTOOL !== '0' && spawnSync('cwltool', ['--version'], { stdio: 'ignore' }).status === 0;
  if (cwltoolFound) rows.push(measure('cwltool --parallel', base, (o) => ['cwltool', '--parallel', '--quiet', '--outdir', o, workflow, job]));
  for (const w of wide) rows.push(measure('bespin', w, bespinArgv(jobFile(jobsDir, w))));
  const sameName = (process.env.BENCH_SAME_NAME_WIDTHS ?? '2000,10000').split(',').filter((w) => w.trim() !== '').map(Number);
  for (const w of sameName) rows.push(measure(SAME_NAME, w, bespinArgv(jobFile(jobsDir, w), sameNameWorkflow)));
  return rows;
}

const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

/** The markdown: one row per run, then the ratios the issue's goals are stated in. */
function table(rows: readonly Measurement[]): string {
  const lines = [
    '| run | width | wall s | CPU s | peak RSS MiB | wall per 1,000 |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.label}${r.ok ? '' : ' (FAILED)'} | ${r.width} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${(r.seconds / r.width * 1000).toFixed(2)} s |`),
    '',
  ];
  const [bespin, raw] = rows;
  const cwltool = rows.find((r) => r.label.startsWith('cwltool'));
  if (bespin && raw) lines.push(`- bespin / node spawn: ${ratio(bespin.seconds, raw.seconds)} wall, ${ratio(bespin.cpuSeconds, raw.cpuSeconds)} CPU (goal: ≤ 1.5× wall)`);
  if (bespin && cwltool) {
    lines.push(`- cwltool / bespin: ${ratio(cwltool.seconds, bespin.seconds)} wall, ${ratio(cwltool.cpuSeconds, bespin.cpuSeconds)} CPU (goal: ≥ 10× wall)`);
    lines.push(`- bespin / cwltool peak RSS: ${ratio(bespin.peakMiB, cwltool.peakMiB)} (goal: ≤ 1×)`);
  }
  const widest = rows.filter((r) => r.label === 'bespin').at(-1);
  if (bespin && widest && widest !== bespin) {
    lines.push(`- linearity: ${widest.width} wide takes ${ratio(widest.seconds, bespin.seconds)} the time of ${bespin.width} (${ratio(widest.width, bespin.width)} the width); peak RSS ${widest.peakMiB.toFixed(0)} MiB (goal: ≤ 150)`);
  }
  const same = rows.filter((r) => r.label === SAME_NAME);
  if (same.length > 1) {
    const [first, last] = [same[0]!, same.at(-1)!];
    lines.push(`- one output name: ${last.width} wide takes ${ratio(last.seconds, first.seconds)} the time of ${first.width} (${ratio(last.width, first.width)} the width; goal: within 5.5×)`);
  }
  return lines.join('\n');
}

function report(rows: readonly Measurement[]): void {
  const now = new Date();
  const commit = benchCommit();
  const heading = [
    `# npm run bench, ${now.toISOString().slice(0, 16)}Z, ${commit}${process.env.BENCH_CLI ? ` (bespin from ${cli})` : ''}`,
    '',
    `bespin runs as \`node ${[...shebangFlags, ...extraFlags].join(' ')}\`.`,
    '',
    `Node ${process.version}, ${cores} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`,
    '',
  ].join('\n');
  keepBenchResult(`${heading}${table(rows)}\n`, now, commit);
}

const jobsDir = mkdtempSync(path.join(os.tmpdir(), 'bespin-bench-'));
try {
  const rows = runAll(jobsDir);
  report(rows);
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
} finally {
  rmSync(jobsDir, { recursive: true, force: true });
}
