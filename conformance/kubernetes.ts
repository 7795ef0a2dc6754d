/**
 * `npm run conformance:kubernetes`: the conformance suite with bespin on the
 * Kubernetes backend, on the cluster BESPIN_TEST_CLUSTER names (the stand-in
 * of test/cluster/ by default, `real` for test/realcluster/, `kubeconfig`
 * for any cluster; see test/helpers/clusterUnderTest.ts). The suite's
 * directory is the input claim (read-only) and a scratch directory the
 * tmpout claim, mounted at the same paths in step pods as in the engine.
 * Each kind of cluster and CWL version has its own baseline and out dir:
 * conformance/baseline-kubernetes.txt (stand-in) and
 * conformance/baseline-kubernetes-real.txt (real clusters) for v1.2,
 * baseline-kubernetes-v1.0.txt, baseline-kubernetes-real-v1.1.txt, … for
 * the older suites (`--cwl-version`, passed on to the harness too).
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../test/helpers/cli.js';
import { openCluster } from '../test/helpers/clusterUnderTest.js';
import { cwlVersionOf, OptionsError, versioned } from './options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
let cwlVersion;
try {
  cwlVersion = cwlVersionOf(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof OptionsError)) throw e;
  console.error(`conformance: ${e.message}`);
  process.exit(2);
}
const suite = path.resolve(repo, `../shared/cwl-${cwlVersion}`);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'bespin-k8s-conformance-'));
chmodSync(scratch, 0o755);
const tmpout = path.join(scratch, 'tmpout');
mkdirSync(tmpout);

const cluster = await openCluster({ claims: { 'calrissian-input-data': { hostDir: suite, readOnly: true }, 'calrissian-tmpout': { hostDir: tmpout } } });
const wrapper = path.join(scratch, 'bespin-kubernetes');
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const real = cluster.kind !== 'standin';
// A real node has 2 cores and four tests run at once: a pod that needs the
// whole node (coresMin: 2) waits until the other tests' pods leave it empty,
// which may be minutes, as on any busy cluster. The engine waits for room;
// the harness allows a test the time a suite takes to drain (v1.2: ~6 min).
const WAIT_FOR_NODE_S = 600;
const out = path.join(repo, versioned(real ? 'conformance/out-kubernetes-real' : 'conformance/out-kubernetes', cwlVersion));
// cwltest keeps only "Returned non-zero": each run's arguments and standard
// error go to engine-logs/ as well, to explain a failure seen only on a cluster.
const engineLogs = path.join(out, 'engine-logs');
rmSync(engineLogs, { recursive: true, force: true });
mkdirSync(engineLogs, { recursive: true });
writeFileSync(wrapper, [
  '#!/bin/sh',
  `log=$(mktemp ${q(engineLogs)}/run-XXXXXX)`,
  'echo "args: $*" >"$log"',
  `KUBECONFIG=${q(cluster.engineKubeconfigPath)} ${q(process.execPath)} ${q(CLI)} \\`,
  // Tests run as root here; the suite's pods may too (the platform runs the engine as uid 1000).
  // On a real cluster the log is at debug level (each pod's updates, the watch's reconnects), to show where a stalled test waited.
  `  --backend kubernetes --pod-allow-root${real ? ' --debug' : ''} ${cluster.volumeArgs.map((v) => `--volume ${q(v)}`).join(' ')} \\`,
  `  --tmp-outdir-prefix ${q(`${tmpout}/out-`)} --tmpdir-prefix ${q(`${tmpout}/tmp-`)} "$@" 2>>"$log"`,
  'code=$?',
  'echo "exit: $code" >>"$log"',
  'sed 1d "$log" | sed \'$d\' >&2',
  'exit $code',
  '',
].join('\n'));
chmodSync(wrapper, 0o755);

const args = [
  path.join(repo, 'dist/conformance/run.js'), '--tool', wrapper,
  '--out', out,
  '--baseline', path.join(repo, versioned(real ? 'conformance/baseline-kubernetes-real.txt' : 'conformance/baseline-kubernetes.txt', cwlVersion)),
  // Before the caller's arguments: a --timeout of theirs wins.
  ...(real ? ['--timeout', String(WAIT_FOR_NODE_S)] : []),
  ...process.argv.slice(2),
];
let code = 1;
try {
  // The harness runs as a child so that this process's event loop stays free (the stand-in serves the API from it).
  code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('close', (c) => resolve(c ?? 1));
  });
  console.log(`${cluster.kind} cluster, namespace ${cluster.namespace}; pods left: ${(await cluster.podNames()).length}`);
  if (code !== 0 && real) await keepEvents(path.join(out, 'events.txt'));
} finally {
  await cluster.stop();
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = code;

/** The namespace's events (pods that waited on the node, and why), beside the engine logs of a failed suite. */
async function keepEvents(file: string): Promise<void> {
  await new Promise<void>((resolve) => {
    execFile('kubectl', ['--kubeconfig', cluster.adminKubeconfigPath, '-n', cluster.namespace, 'get', 'events', '--sort-by=.lastTimestamp', '-o', 'wide'], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      writeFileSync(file, error ? `kubectl get events failed: ${stderr || error.message}\n` : stdout);
      console.log(`events of namespace ${cluster.namespace}: ${file}`);
      resolve();
    });
  });
}
