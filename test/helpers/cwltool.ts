import { spawn } from 'node:child_process';
import { isPlainObject } from '../../src/model/types.js';
import { runCli, type CliResult } from './cli.js';

/**
 * The reference implementation, run on the same document and job as bespin.
 * A missing cwltool fails the test that needs it (never a skip): CI installs
 * cwltool 3.3 (.ci/run).
 */
export function runCwltool(args: readonly string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('cwltool', [...args], { cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'ENOENT' ? 'cwltool is not installed (pip install "cwltool==3.3.*"): these tests compare bespin with it' : `cwltool: ${error.message}`));
    });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`cwltool ${args.join(' ')} did not finish in time`)); }, options.timeoutMs ?? 240_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export interface BothResults {
  readonly bespin: CliResult;
  readonly cwltool: CliResult;
}

/** bespin and cwltool with the same arguments (each its own --outdir when `outdir` is given), concurrently. */
export async function runBoth(args: readonly string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv; outdirs?: boolean }): Promise<BothResults> {
  const out = (who: string): string[] => (options.outdirs === false ? [] : ['--outdir', `out-${who}`]);
  const io = { cwd: options.cwd, ...(options.input !== undefined ? { input: options.input } : {}), ...(options.env ? { env: options.env } : {}) };
  const [bespin, cwltool] = await Promise.all([
    runCli([...out('bespin'), ...args], { ...io, timeoutMs: 240_000 }),
    runCwltool([...out('cwltool'), ...args], io),
  ]);
  return { bespin, cwltool };
}

/**
 * An output object with what legitimately differs between engines removed:
 * File and Directory objects keep class, basename, size, checksum and their
 * nested files; location and path (different output directories) go.
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (!isPlainObject(value)) return value;
  if (value.class === 'File' || value.class === 'Directory') {
    const { location: _l, path: _p, ...rest } = value;
    return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, comparable(v)]));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
}

/** The output object a run printed, ready to compare. */
export function outputObject(result: CliResult): unknown {
  try {
    return comparable(JSON.parse(result.stdout));
  } catch {
    throw new Error(`not an output object on stdout (exit ${result.code}):\n${result.stdout}\n${result.stderr.slice(-2000)}`);
  }
}
