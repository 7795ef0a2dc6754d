/**
 * `npm run bench:kubernetes`: a 500-way scatter of echo through the
 * Kubernetes backend against the test cluster. Reports how many watches the
 * run opened, the most pods running at once (against --max-cores), and the
 * engine's reaction time: from a pod's terminal status being published to the next pod's
 * creation (median and 90th percentile).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reactionTimes, startTestCluster } from '../cluster/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../src/cli/main.js');
const n = Number(process.env.BENCH_K8S_SCATTER ?? 500);
const maxCores = Number(process.env.BENCH_K8S_MAX_CORES ?? 2);
const root = mkdtempSync(path.join(os.tmpdir(), 'bespin-k8s-bench-'));
const input = path.join(root, 'input');
const tmpout = path.join(root, 'tmpout');
mkdirSync(input);
mkdirSync(tmpout);
writeFileSync(path.join(input, 'wf.cwl'), `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {items: 'string[]'}
outputs: {said: {type: 'File[]', outputSource: echo/said}}
steps:
  echo:
    scatter: message
    in: {message: items}
    out: [said]
    run:
      class: CommandLineTool
      hints: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
      baseCommand: echo
      inputs: {message: {type: string, inputBinding: {position: 1}}}
      outputs: {said: stdout}
`);
writeFileSync(path.join(input, 'job.json'), JSON.stringify({ items: Array.from({ length: n }, (_, i) => `item${i}`) }));

const cluster = await startTestCluster({ pvcs: { 'calrissian-input-data': input, 'calrissian-tmpout': tmpout }, node: { cpu: String(maxCores * 4), memory: '16Gi' } });
const started = performance.now();
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [cli, '--backend', 'kubernetes', '--quiet', '--max-cores', String(maxCores),
    '--volume', `calrissian-input-data:${input}:ro`, '--volume', `calrissian-tmpout:${tmpout}`,
    '--tmp-outdir-prefix', `${tmpout}/out-`, '--tmpdir-prefix', `${tmpout}/tmp-`, '--outdir', path.join(tmpout, 'final'),
    path.join(input, 'wf.cwl'), path.join(input, 'job.json')], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath } });
  child.on('close', (c) => resolve(c ?? 1));
});
const seconds = (performance.now() - started) / 1000;
const c = cluster.counters.snapshot();
const times = reactionTimes(cluster.counters.timeline).sort((a, b) => a - b);
const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
await cluster.stop();
rmSync(root, { recursive: true, force: true });
console.log(`${n}-way scatter on the Kubernetes backend: ${code === 0 ? 'succeeded' : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s`);
console.log(`pods created: ${c.podsCreated}; watches opened: ${c.watches.total}; most pods running at once: ${c.maxRunningPods} (--max-cores ${maxCores})`);
console.log(`pod termination published → next pod create: median ${pct(0.5).toFixed(1)} ms, p90 ${pct(0.9).toFixed(1)} ms over ${times.length} hand-overs`);
process.exitCode = code === 0 && c.watches.total === 1 && c.maxRunningPods <= maxCores ? 0 : 1;
