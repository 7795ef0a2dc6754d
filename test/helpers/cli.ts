import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundled CLI (dist/bundle/bespin.js, what `bespin` and `calrissian` run),
 * run with the same Node as the tests: the tests test what ships.
 */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bundle/bespin.js');

/**
 * How a user's shell starts the CLI file: Node with the flags of the file's
 * `#!/usr/bin/env -S node …` line (they size V8's heap, so a benchmark that
 * leaves them out measures an engine nobody runs).
 */
export function cliCommand(cli: string = CLI): string[] {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
  const flags = first.startsWith('#!') ? first.split(/\s+/).filter((w) => w.startsWith('--')) : [];
  return [process.execPath, ...flags, cli];
}

export interface CliResult {
  readonly code: number | null;
  /** The signal that ended the CLI, if one did. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function runCli(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; onSpawn?: (pid: number) => void; input?: string; onStderr?: (stderrSoFar: string) => void } = {},
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
    if (options.input !== undefined) child.stdin?.end(options.input);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); options.onStderr?.(stderr); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bespin ${args.join(' ')} did not finish in time`)); }, options.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** A scratch directory with the given files written into it. */
export async function scratch(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-test-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/** Runs `body` in a new scratch directory, removed afterwards whatever happened. */
export async function inScratchDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-scratch-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
