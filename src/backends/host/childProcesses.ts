import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandLineJob } from '../../job/commandLineJob.js';
import { TailBuffer, cancelledOutcome, openToolLog, type JobOutcome } from '../backend.js';
import type { Logger } from '../../logger.js';
import { ToolOutputLines } from '../toolOutput.js';
import { openStdin } from './stdinFile.js';

/** How long a tool's pipes may keep delivering output after the tool has exited. */
const EXIT_DRAIN_MS = 200;

/** A tool's processes found by a marker they inherit (local/stepProcesses.ts), whatever process group they moved to. */
export interface MarkedProcesses {
  /** Kills every marked process started at or after `firstPid`. */
  killAll(firstPid: number): number;
}

/** What runWithRedirects may also be given: where tool logs go, and what a kill must also do. */
export interface RedirectOptions {
  readonly logger: Logger;
  readonly toolLogsBasepath?: string | undefined;
  /** Awaited before a killed job ends (removing a container, say): a cancelled job is over only when nothing of it runs. */
  readonly onKill?: () => Promise<void>;
  /** The tool's processes by their marker (host tools): what left its process group is ended with it. */
  readonly processes?: MarkedProcesses;
}

/** The child's command line and surroundings, as spawn takes them. */
interface ChildSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdio: [number | 'ignore', number | 'pipe', number | 'pipe'];
}

/**
 * Spawns a command with the job's stdin/stdout/stderr redirections and its
 * time limit: the engine's one child supervisor, through which the local
 * backend runs a tool and the Docker backend the docker CLI. The process
 * group is killed on timeout or abort, and when the tool exits.
 */
export async function runWithRedirects(
  job: CommandLineJob, argv: readonly string[], cwd: string, env: Readonly<Record<string, string>>, signal: AbortSignal,
  stdinHostPath: (p: string) => string, extra: RedirectOptions,
): Promise<JobOutcome> {
  // A job admitted just as the run was cancelled must not start its process.
  if (signal.aborted) return cancelledOutcome();
  const log = await openToolLog(extra.toolLogsBasepath, job.name);
  const started = performance.now();
  const fds: number[] = [];
  try {
    const stdio = await openRedirects(job, stdinHostPath, fds);
    const ended = superviseChild(job, { argv, cwd, env, stdio }, signal, { log, logger: extra.logger, started, onKill: extra.onKill, processes: extra.processes });
    // The child has its own copies of the descriptors once spawned (spawn is
    // synchronous): ours are closed while it runs, not after, when the job
    // still holds its place in the resource pool.
    closeAll(fds);
    return await ended;
  } finally {
    closeAll(fds);
    log?.end();
  }
}

function closeAll(fds: number[]): void {
  for (const fd of fds.splice(0)) closeSync(fd);
}

/**
 * Opens the job's stdin and its stdout/stderr files (uncaptured streams are
 * piped); every descriptor opened goes into `fds`. The output redirections
 * are opened (and later closed) on the calling thread, as spawn itself runs:
 * a new file in the job's own new directory opens in microseconds, where
 * each thread-pool round trip cost more per element of a wide scatter.
 */
async function openRedirects(job: CommandLineJob, stdinHostPath: (p: string) => string, fds: number[]): Promise<ChildSpec['stdio']> {
  const openOut = async (name: string): Promise<number> => {
    const file = path.join(job.dirs.hostOutdir, name);
    // The output directory itself exists: most redirections need no mkdir.
    if (path.dirname(file) !== job.dirs.hostOutdir) await mkdir(path.dirname(file), { recursive: true });
    const fd = openSync(file, 'w');
    fds.push(fd);
    return fd;
  };
  let stdin: number | 'ignore' = 'ignore';
  if (job.stdin !== undefined) {
    stdin = await openStdin(job, stdinHostPath(job.stdin));
    fds.push(stdin);
  }
  const stdout = job.stdout !== undefined ? await openOut(job.stdout) : 'pipe';
  const stderr = job.stderr !== undefined ? await openOut(job.stderr) : 'pipe';
  return [stdin, stdout, stderr];
}

/** Runs the child to its end, killing its process group on timeout or abort, and says how it ended. */
function superviseChild(
  job: CommandLineJob, spec: ChildSpec, signal: AbortSignal,
  run: {
    readonly log: WriteStream | undefined; readonly logger: Logger; readonly started: number;
    readonly onKill: (() => Promise<void>) | undefined; readonly processes: MarkedProcesses | undefined;
  },
): Promise<JobOutcome> {
  const tail = new TailBuffer();
  return new Promise<JobOutcome>((resolve) => {
    let stoppedBy: StoppedBy;
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, stdio: spec.stdio, detached: true });
    // Tool output that is not captured goes to the engine's log: stdout carries only the output object.
    const lines = { stdout: new ToolOutputLines(run.logger, job.name), stderr: new ToolOutputLines(run.logger, job.name) };
    child.stdout?.on('data', (d: Buffer) => { run.log?.write(d); lines.stdout.write(d); });
    child.stderr?.on('data', (d: Buffer) => { tail.push(d); run.log?.write(d); lines.stderr.write(d); });
    let killing: Promise<void> | undefined;
    const kill = (): void => {
      killProcessGroup(child);
      killing ??= run.onKill?.();
    };
    const timer = job.timeLimitSeconds !== undefined ? setTimeout(() => { stoppedBy ??= 'timeLimit'; kill(); }, job.timeLimitSeconds * 1000) : undefined;
    const onAbort = (): void => { stoppedBy ??= 'cancel'; kill(); };
    signal.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    let drain: NodeJS.Timeout | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      clearTimeout(drain);
      lines.stdout.end();
      lines.stderr.end();
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      const outcome = outcomeOf(job, stoppedBy, code, performance.now() - run.started, tail.toString());
      if (killing) void killing.then(() => resolve(outcome), () => resolve(outcome));
      else resolve(outcome);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      tail.push(Buffer.from(`${spec.argv[0]}: ${error.code === 'ENOENT' ? 'command not found' : error.message}\n`));
      finish(127);
    });
    child.on('close', (code, sig) => finish(code ?? (sig ? 128 + 9 : 1)));
    // The tool is done when it exits, not when every descendant that
    // inherited its stdout/stderr lets go: what it left behind in its
    // process group is ended (as a container's end would), and the pipes get
    // a moment to drain before they are closed from this side. What left the
    // group (setsid) is found by its marker and ended too, on every way a
    // step ends: a time limit or a cancellation kills the group, and then
    // the tool exits.
    child.on('exit', (code, sig) => {
      killProcessGroup(child);
      if (child.pid !== undefined) run.processes?.killAll(child.pid);
      drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code ?? (sig ? 128 + 9 : 1));
      }, EXIT_DRAIN_MS).unref();
    });
  });
}

type StoppedBy = 'timeLimit' | 'cancel' | undefined;

function outcomeOf(job: CommandLineJob, stoppedBy: StoppedBy, code: number, durationMs: number, stderrTail: string): JobOutcome {
  if (stoppedBy === 'cancel') return cancelledOutcome(durationMs, stderrTail);
  if (stoppedBy === 'timeLimit') return { kind: 'timedOut', limitSeconds: job.timeLimitSeconds ?? 0, durationMs, stderrTail };
  return { kind: 'exited', code, durationMs, stderrTail };
}

function killProcessGroup(child: ChildProcess): void {
  try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is already gone */ }
}
