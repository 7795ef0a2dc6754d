/**
 * `npm run conformance:kubernetes`: the conformance suite with bespin on the
 * Kubernetes backend, against the test cluster of test/cluster/ on loopback.
 * The suite's directory is the input PVC (read-only) and a scratch directory
 * the tmpout PVC, mounted at the same paths in step pods as in the engine.
 * Its own baseline is conformance/baseline-kubernetes.txt.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestCluster } from '../test/cluster/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const suite = path.resolve(repo, '../shared/cwl-v1.2');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'bespin-k8s-conformance-'));
const tmpout = path.join(scratch, 'tmpout');

const cluster = await startTestCluster({
  dataDir: path.join(scratch, 'cluster'),
  pvcs: { 'calrissian-input-data': suite, 'calrissian-tmpout': tmpout },
});
const wrapper = path.join(scratch, 'bespin-kubernetes');
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
writeFileSync(wrapper, [
  '#!/bin/sh',
  `KUBECONFIG=${q(cluster.kubeconfigPath)} exec ${q(process.execPath)} ${q(path.join(repo, 'dist/src/cli/main.js'))} \\`,
  `  --backend kubernetes --volume ${q(`calrissian-input-data:${suite}:ro`)} --volume ${q(`calrissian-tmpout:${tmpout}`)} \\`,
  `  --tmp-outdir-prefix ${q(`${tmpout}/out-`)} --tmpdir-prefix ${q(`${tmpout}/tmp-`)} "$@"`,
  '',
].join('\n'));
chmodSync(wrapper, 0o755);

const args = [
  path.join(repo, 'dist/conformance/run.js'), '--tool', wrapper,
  '--out', path.join(repo, 'conformance/out-kubernetes'),
  '--baseline', path.join(repo, 'conformance/baseline-kubernetes.txt'),
  ...process.argv.slice(2),
];
// The harness runs as a child so that this process's event loop stays free to serve the API.
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  child.on('close', (c) => resolve(c ?? 1));
});
const counters = cluster.counters.snapshot();
console.log(`test cluster: ${counters.podsCreated} pods created, ${counters.watches.total} watches opened, at most ${counters.maxRunningPods} pods running at once`);
await cluster.stop();
rmSync(scratch, { recursive: true, force: true });
process.exitCode = code;
