/**
 * One bespin run at a time on a Kubernetes cluster (test/helpers/clusterUnderTest.ts):
 * an input claim and a scratch claim, bespin as a child process with the
 * engine's service account, its API requests recorded.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openCluster, type ClusterKind, type ClusterUnderTest, type RunRecord } from './clusterUnderTest.js';
import { CLI, type CliResult } from './cli.js';

export interface Bench {
  readonly cluster: ClusterUnderTest;
  readonly input: string;
  readonly tmpout: string;
  /** Runs bespin on the cluster, recording its API requests and the pods. */
  /** `tmpdirPrefix: false` leaves --tmpdir-prefix out, as the platform does. */
  run(args: string[], options?: { onStart?: (pid: number) => void; env?: Record<string, string>; volumes?: boolean; tmpdirPrefix?: boolean; allowRoot?: boolean }): Promise<CliResult & { record: RunRecord }>;
}

/** A cluster with an input claim and a scratch claim, and bespin pointed at it (on the cluster `kind`, default BESPIN_TEST_CLUSTER's). */
export async function withKubernetesRun(work: (b: Bench) => Promise<void>, kind?: ClusterKind): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-k8s-'));
  const input = path.join(root, 'input');
  const tmpout = path.join(root, 'tmpout');
  await mkdir(input, { recursive: true });
  await mkdir(tmpout, { recursive: true });
  await chmod(root, 0o755);
  const cluster = await openCluster({ claims: { 'calrissian-input-data': { hostDir: input, readOnly: true }, 'calrissian-tmpout': { hostDir: tmpout } }, ...(kind ? { kind } : {}) });
  const run: Bench['run'] = async (args, options = {}) => {
    const recording = await cluster.record();
    const result = await new Promise<CliResult>((resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, [CLI, '--backend', 'kubernetes', '--quiet', ...(process.getuid?.() === 0 && options.allowRoot !== false ? ['--pod-allow-root'] : []),
        ...(options.volumes === false ? [] : cluster.volumeArgs.flatMap((v) => ['--volume', v])),
        // The platform's form: a prefix ending in '/' is the directory to make job directories in.
        '--tmp-outdir-prefix', `${tmpout}/`, ...(options.tmpdirPrefix === false ? [] : ['--tmpdir-prefix', `${tmpout}/`]), '--outdir', path.join(tmpout, 'final'), ...args],
      { env: { ...process.env, KUBECONFIG: recording.kubeconfigPath, RETRY_MIN: '0.05', RETRY_MULTIPLIER: '0.05', ...options.env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      if (child.pid !== undefined) options.onStart?.(child.pid);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
    });
    return { ...result, record: await recording.finish() };
  };
  try {
    await work({ cluster, input, tmpout, run });
  } finally {
    await cluster.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** Polls `check` until it holds, failing after `ms`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
