import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { cliCommand } from '../helpers/cli.js';
import type { ClusterUnderTest } from '../helpers/clusterUnderTest.js';
import { PLACEHOLDER_POD, type EngineDirs } from '../helpers/enginePlaceholder.js';

export type EngineName = 'bespin' | 'calrissian';

export interface EngineRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The --usage-report file, parsed. */
  readonly report: Record<string, unknown>;
  /** The step pods the run created, as last seen. */
  readonly pods: readonly V1Pod[];
}

const CALRISSIAN = process.env.CALRISSIAN ?? '/opt/calrissian-venv/bin/calrissian';

/**
 * One engine's run of `<document>.cwl` with `<document>.json` from the input
 * claim, with the same limits and prefixes whichever engine it is, recorded
 * (its API requests and the pods it created).
 */
export async function runEngine(c: ClusterUnderTest, dirs: Required<EngineDirs>, engine: EngineName, document: string): Promise<EngineRun> {
  const recording = await c.record();
  const outdir = path.join(dirs.output, `${engine}-${document}`);
  const report = path.join(dirs.output, `${engine}-${document}.usage.json`);
  const args = [
    '--max-ram', '4G', '--max-cores', '1', '--usage-report', report,
    '--tmp-outdir-prefix', `${dirs.tmpout}/`, '--tmpdir-prefix', `${dirs.tmpout}/`, '--outdir', outdir,
    path.join(dirs.input, `${document}.cwl`), path.join(dirs.input, `${document}.json`),
  ];
  const command = engine === 'bespin'
    ? [...cliCommand(), '--backend', 'kubernetes', ...(process.getuid?.() === 0 ? ['--pod-allow-root'] : []), ...args]
    : [CALRISSIAN, ...args];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      env: { ...process.env, KUBECONFIG: recording.kubeconfigPath, CALRISSIAN_POD_NAME: PLACEHOLDER_POD, BESPIN_CACHE_DIR: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-20_000); });
    child.on('close', (status) => resolve({ code: status ?? 1, stdout: out, stderr: err }));
  });
  const record = await recording.finish();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${engine} wrote no usage report (${String(error)}); exit ${code}:\n${stderr}`);
  }
  return { code, stdout, stderr, report: parsed, pods: record.pods.filter((p) => p.metadata?.name !== PLACEHOLDER_POD) };
}
