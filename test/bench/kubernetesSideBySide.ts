/**
 * `npm run bench:kubernetes:calrissian -- [WIDTH ...]`: the same scatter
 * workflow through bespin and Calrissian 0.18.1 on the same real cluster
 * (BESPIN_TEST_CLUSTER=real by default, or `kubeconfig`), one engine after
 * the other, with the same --max-cores and --max-ram. For each it reports
 * wall time, the engine's peak RSS and how much of it was private memory
 * rather than file pages (processMemory.ts), its API requests by verb and
 * resource and the watches it opened (counted exactly, per engine, by a
 * recorder in front of the API server), and the most step pods active at once.
 *
 * Both engines run from the host as they would in a pod: a placeholder pod
 * that mounts the claims at the engine's paths is named by
 * CALRISSIAN_POD_NAME, which both read to find their volumes. Calrissian
 * works in namespace `default` outside a cluster, so both do.
 * CALRISSIAN=/path/to/calrissian (default: /opt/calrissian-venv/bin/calrissian,
 * made by `python3 -m venv /opt/calrissian-venv && /opt/calrissian-venv/bin/pip install calrissian==0.18.1`).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCommit, keepBenchResult } from './benchResults.js';
import { watchProcessMemory, type ProcessMemory } from './processMemory.js';
import { apiserverRequestTotals, requestsBetween, type RequestTotals } from '../helpers/apiserverMetrics.js';
import { cliCommand } from '../helpers/cli.js';
import { PLACEHOLDER_POD, placeholderPod } from '../helpers/enginePlaceholder.js';
import { clusterKind, openCluster, type ClusterUnderTest, type RunRecord } from '../helpers/clusterUnderTest.js';
import { echoScatter } from '../helpers/workflows.js';

const calrissian = process.env.CALRISSIAN ?? '/opt/calrissian-venv/bin/calrissian';
const widths = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (widths.length === 0) widths.push(50, 200);
const maxCores = process.env.BENCH_K8S_MAX_CORES ?? '2';
const maxRam = process.env.BENCH_K8S_MAX_RAM ?? '8G';
if (!existsSync(calrissian)) {
  console.error(`Calrissian is not at ${calrissian}: python3 -m venv /opt/calrissian-venv && /opt/calrissian-venv/bin/pip install calrissian==0.18.1 (or set CALRISSIAN)`);
  process.exit(2);
}

// Calrissian needs each step's resources stated to size its pods as bespin does.
const WORKFLOW = echoScatter({ ResourceRequirement: '{coresMin: 1, ramMin: 64}' });

interface EngineResult {
  readonly engine: string;
  readonly width: number;
  readonly ok: boolean;
  readonly wallSeconds: number;
  readonly memory: ProcessMemory;
  readonly record: RunRecord;
  /** The API server's own count over the run (every client: engine, scheduler, kubelet). */
  readonly clusterRequests: RequestTotals;
  readonly outputs: number;
}

const root = mkdtempSync(path.join(os.tmpdir(), 'bespin-sidebyside-'));
chmodSync(root, 0o755);
const dirs = { input: path.join(root, 'input'), tmpout: path.join(root, 'tmpout'), output: path.join(root, 'output') };
for (const d of Object.values(dirs)) { mkdirSync(d); chmodSync(d, 0o777); }
writeFileSync(path.join(dirs.input, 'wf.cwl'), WORKFLOW);

const kind = process.env.BESPIN_TEST_CLUSTER ? clusterKind() : 'real';
const cluster = await openCluster({
  kind, namespace: 'default',
  claims: { 'calrissian-input-data': { hostDir: dirs.input, readOnly: true }, 'calrissian-tmpout': { hostDir: dirs.tmpout }, 'calrissian-output-data': { hostDir: dirs.output } },
});
const results: EngineResult[] = [];
try {
  await placeholderPod(cluster, dirs);
  for (const width of widths) {
    writeFileSync(path.join(dirs.input, `job-${width}.json`), JSON.stringify({ items: Array.from({ length: width }, (_, i) => `item${i}`) }));
    for (const engine of ['bespin', 'calrissian'] as const) {
      results.push(await runEngine(cluster, engine, width));
      console.error(`${engine} ${width}-way: done`);
    }
  }
} finally {
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
}
const at = new Date();
const commit = benchCommit();
keepBenchResult(`# npm run bench:kubernetes:calrissian, ${at.toISOString().slice(0, 16)}Z, ${commit}\n\nNode ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.\n\n${table(results)}\n`, at, commit, '-kubernetes');
process.exitCode = results.every((r) => r.ok) ? 0 : 1;

async function runEngine(c: ClusterUnderTest, engine: 'bespin' | 'calrissian', width: number): Promise<EngineResult> {
  const recording = await c.record();
  const metricsBefore = await apiserverRequestTotals(c.admin);
  const outdir = path.join(dirs.output, `${engine}-${width}`);
  const args = [
    '--max-ram', maxRam, '--max-cores', maxCores,
    '--tmp-outdir-prefix', `${dirs.tmpout}/`, '--tmpdir-prefix', `${dirs.tmpout}/`, '--outdir', outdir,
    path.join(dirs.input, 'wf.cwl'), path.join(dirs.input, `job-${width}.json`),
  ];
  const command = engine === 'bespin' ? [...cliCommand(), '--backend', 'kubernetes', '--quiet', ...(process.getuid?.() === 0 ? ['--pod-allow-root'] : []), ...args] : [calrissian, '--quiet', ...args];
  const started = performance.now();
  const { code, stdout, stderr, memory } = await new Promise<{ code: number; stdout: string; stderr: string; memory: ProcessMemory }>((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      // BESPIN_CACHE_DIR=off as in the engine image: a pod starts with no cache.
      env: { ...process.env, KUBECONFIG: recording.kubeconfigPath, CALRISSIAN_POD_NAME: PLACEHOLDER_POD, BESPIN_CACHE_DIR: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const watch = watchProcessMemory(child.pid!);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-20_000); });
    let memory: ProcessMemory | undefined;
    child.on('exit', () => { memory = watch.stop(); });
    child.on('close', (status) => resolve({ code: status ?? 1, stdout: out, stderr: err, memory: memory ?? watch.stop() }));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const record = await recording.finish();
  // Pods are deleted after the engine ends (Calrissian) or as it goes (bespin); let the kubelet's last updates land.
  await new Promise((r) => setTimeout(r, 5_000));
  const clusterRequests = requestsBetween(metricsBefore, await apiserverRequestTotals(c.admin));
  let outputs = 0;
  try {
    outputs = (JSON.parse(stdout) as { said?: unknown[] }).said?.length ?? 0;
  } catch {
    outputs = 0;
  }
  if (code !== 0 || outputs !== width) console.error(`${engine} ${width}-way failed (exit ${code}, ${outputs} outputs):\n${stderr.slice(-3000)}`);
  return {
    engine, width, ok: code === 0 && outputs === width, wallSeconds,
    memory, record, clusterRequests, outputs,
  };
}

function table(rows: readonly EngineResult[]): string {
  const verbs = [...new Set(rows.flatMap((r) => Object.keys(r.record.requests)))].sort();
  const head = ['engine', 'scatter', 'result', 'wall s', 'peak RSS MiB', 'of it private (RssAnon) MiB', 'of it file pages (RssFile) MiB', 'watches', 'most pods at once', 'API requests', 'per step', ...verbs];
  const lines = rows.map((r) => [
    r.engine, String(r.width), r.ok ? 'ok' : `FAILED (${r.outputs}/${r.width})`, r.wallSeconds.toFixed(1), r.memory.peakRssMiB.toFixed(0), r.memory.peakAnonMiB.toFixed(0), r.memory.peakFileMiB.toFixed(0),
    String(r.record.watchesOpened), String(r.record.maxActivePods), String(r.record.total), (r.record.total / r.width).toFixed(2),
    ...verbs.map((v) => String(r.record.requests[v] ?? 0)),
  ]);
  // The server's own counts, for the pods and the events the runs cause (leases and the like tick with time, not steps).
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.clusterRequests)))].filter((k) => / (pods|events)/.test(k)).sort();
  const serverHead = ['engine', 'scatter', ...keys.map((k) => `${k} per step`)];
  const serverLines = rows.map((r) => [r.engine, String(r.width), ...keys.map((k) => ((r.clusterRequests[k] ?? 0) / r.width).toFixed(2))]);
  return [
    `Same cluster (${kind}), --max-cores ${maxCores}, --max-ram ${maxRam}. The engine's own requests, counted by a recorder in front of the API server:`,
    '',
    markdownTable(head, lines),
    '',
    "The API server's own count (`apiserver_request_total` on /metrics) over each run, every client included (engine, scheduler, kubelet):",
    '',
    markdownTable(serverHead, serverLines),
  ].join('\n');
}

function markdownTable(head: readonly string[], lines: readonly (readonly string[])[]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}
