/**
 * `npm run bench:kubernetes`: a 500-way scatter of echo through the
 * Kubernetes backend, on the cluster BESPIN_TEST_CLUSTER names (the stand-in
 * by default; `real` for test/realcluster/). Reports how many watches the
 * run opened, the most pods active at once (against --max-cores), the API
 * requests, and on the stand-in the engine's reaction time: from a pod's
 * terminal status being published to the next pod's creation (median and
 * 90th percentile).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reactionTimes } from '../cluster/index.js';
import { cliCommand } from '../helpers/cli.js';
import { watchProcessMemory, type ProcessMemory } from './processMemory.js';
import { openCluster } from '../helpers/clusterUnderTest.js';
import { echoScatter } from '../helpers/workflows.js';

// BENCH_CLI: another build's dist/src/cli/main.js, for A/B runs.
const engine = cliCommand(process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : undefined);
const n = Number(process.env.BENCH_K8S_SCATTER ?? 500);
const maxCores = Number(process.env.BENCH_K8S_MAX_CORES ?? 2);
// BENCH_K8S_NODE_FLAGS: V8 flags for the engine's node, to compare heap settings.
const engineNodeFlags = (process.env.BENCH_K8S_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const root = mkdtempSync(path.join(os.tmpdir(), 'bespin-k8s-bench-'));
chmodSync(root, 0o755);
const input = path.join(root, 'input');
const tmpout = path.join(root, 'tmpout');
mkdirSync(input);
mkdirSync(tmpout);
writeFileSync(path.join(input, 'wf.cwl'), echoScatter());
writeFileSync(path.join(input, 'job.json'), JSON.stringify({ items: Array.from({ length: n }, (_, i) => `item${i}`) }));

const cluster = await openCluster({
  claims: { 'calrissian-input-data': { hostDir: input, readOnly: true }, 'calrissian-tmpout': { hostDir: tmpout } },
  standinNode: { cpu: String(maxCores * 4), memory: '16Gi' },
});
const recording = await cluster.record();
cluster.standin?.counters.reset();
const started = performance.now();
let memory: ProcessMemory | undefined;
const code = await new Promise<number>((resolve) => {
  const child = spawn(engine[0]!, [...engineNodeFlags, ...engine.slice(1), '--backend', 'kubernetes', '--quiet', ...(process.getuid?.() === 0 ? ['--pod-allow-root'] : []), '--max-cores', String(maxCores),
    ...cluster.volumeArgs.flatMap((v) => ['--volume', v]),
    '--tmp-outdir-prefix', `${tmpout}/out-`, '--tmpdir-prefix', `${tmpout}/tmp-`, '--outdir', path.join(tmpout, 'final'),
    path.join(input, 'wf.cwl'), path.join(input, 'job.json')], { stdio: ['ignore', 'ignore', 'inherit'], env: { BESPIN_CACHE_DIR: 'off', ...process.env, KUBECONFIG: recording.kubeconfigPath } }); // no cache, as in the engine image, unless the caller sets one
  const watch = watchProcessMemory(child.pid!);
  child.on('exit', () => { memory ??= watch.stop(); });
  child.on('close', (c) => { memory ??= watch.stop(); resolve(c ?? 1); });
});
const seconds = (performance.now() - started) / 1000;
const r = await recording.finish();
const times = cluster.standin ? reactionTimes(cluster.standin.counters.timeline).sort((a, b) => a - b) : [];
const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
await cluster.stop();
rmSync(root, { recursive: true, force: true });
console.log(`${n}-way scatter on the Kubernetes backend (${cluster.kind} cluster): ${code === 0 ? 'succeeded' : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s, engine peak RSS ${memory!.peakRssMiB.toFixed(0)} MiB (private ${memory!.peakAnonMiB.toFixed(0)}, file pages ${memory!.peakFileMiB.toFixed(0)})`);
console.log(`pods created: ${r.podsCreated}; watches opened: ${r.watchesOpened}; most pods active at once: ${r.maxActivePods} (--max-cores ${maxCores})`);
console.log(`API requests: ${r.total} (${Object.entries(r.requests).map(([k, v]) => `${k} ${v}`).join(', ')})`);
if (times.length > 0) console.log(`pod termination published → next pod create: median ${pct(0.5).toFixed(1)} ms, p90 ${pct(0.9).toFixed(1)} ms over ${times.length} hand-overs`);
process.exitCode = code === 0 && r.watchesOpened === 1 && r.maxActivePods <= maxCores ? 0 : 1;
