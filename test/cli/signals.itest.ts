/**
 * SIGTERM and SIGINT end every run, whatever it is doing (issue 19): the
 * first cancels it and cleans up, with a deadline after which the engine ends
 * anyway with its one ERROR line; a second ends it at once. A run ended by a
 * signal exits as a shell reports it: 128 + the signal's number (or is ended
 * by that signal, which a shell and Kubernetes report the same way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../helpers/cli.js';

/**
 * A run that gets stuck in the engine: its step ends at once, then the engine
 * writes the usage report the operator named, a FIFO nobody reads, and waits
 * in open() for ever. (A FIFO given as a File input no longer gets that far:
 * the reading gate refuses it.)
 */
const ECHO_TOOL = `cwlVersion: v1.2
class: CommandLineTool
inputs: []
outputs: []
baseCommand: [echo, hi]
`;
const STUCK_ARGS = ['--no-container', '--usage-report', 'pipe', 'tool.cwl'];

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

const EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Ended by `sig`: with exit code 128 + its number, or by the signal itself. */
function assertEndedBy(r: CliResult, sig: NodeJS.Signals): void {
  assert.ok(r.code === EXIT_CODES[sig] || (r.code === null && r.signal === sig), `code ${r.code}, signal ${r.signal}\n${r.stderr}`);
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('ERROR'));
}

/** Some thread of `pid` waits in the kernel for a FIFO's other end. */
function waitsForFifo(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8') === 'wait_for_partner');
  } catch {
    return false;
  }
}

/**
 * Runs the CLI and sends `signals` in turn: the first once `ready` holds
 * (checked as stderr grows and every 100 ms), each next one once the engine
 * has said it is cancelling.
 */
async function runAndSignal(args: string[], cwd: string, ready: (stderr: string, pid: number) => boolean, signals: NodeJS.Signals[]): Promise<CliResult> {
  let pid = 0;
  let sent = 0;
  let stderr = '';
  const check = (): void => {
    const due = sent === 0 ? ready(stderr, pid) : stderr.includes(`received ${signals[0]}, cancelling the run`);
    if (due && sent < signals.length) process.kill(pid, signals[sent++]!);
  };
  const poll = setInterval(check, 100);
  return runCli(args, {
    cwd,
    timeoutMs: 40_000,
    onSpawn: (p) => { pid = p; },
    onStderr: (text) => { stderr = text; check(); },
  }).finally(() => clearInterval(poll));
}

/** The step has started and the engine waits in open(): seen in /proc, or assumed 2 s after the step's line where /proc does not say. */
function stuckInOpen(): (stderr: string, pid: number) => boolean {
  let stepSeen = 0;
  return (stderr, pid) => {
    if (stepSeen === 0 && /\[job tool\.cwl\] echo/.test(stderr)) stepSeen = performance.now();
    return stepSeen > 0 && (waitsForFifo(pid) || performance.now() - stepSeen > 2000);
  };
}

test('SIGTERM ends a run stuck in the engine (waiting to open a FIFO) by its deadline, with one ERROR line', { timeout: 60_000 }, async () => {
  const dir = await scratch({ 'tool.cwl': ECHO_TOOL });
  mkfifo(path.join(dir, 'pipe'));
  const r = await runAndSignal(STUCK_ARGS, dir, stuckInOpen(), ['SIGTERM']);
  assertEndedBy(r, 'SIGTERM');
  assert.deepEqual(errorLines(r.stderr), ['ERROR run cancelled by SIGTERM; the run did not stop within 10 s of the signal, so the engine ended it (a step container or pod may be left)']);
});

for (const [first, second] of [['SIGTERM', 'SIGTERM'], ['SIGTERM', 'SIGINT'], ['SIGINT', 'SIGTERM']] as const) {
  test(`a second signal (${first}, then ${second}) ends a stuck run at once, before the deadline`, { timeout: 60_000 }, async () => {
    const dir = await scratch({ 'tool.cwl': ECHO_TOOL });
    mkfifo(path.join(dir, 'pipe'));
    const r = await runAndSignal(STUCK_ARGS, dir, stuckInOpen(), [first, second]);
    assertEndedBy(r, second);
    assert.doesNotMatch(r.stderr, /did not stop within/);
  });
}

test('SIGTERM during a Docker step that ignores SIGTERM removes its container and exits 143 with one ERROR line', { timeout: 120_000 }, async () => {
  const marker = `bespin-signal-${randomBytes(4).toString('hex')}`;
  const dir = await scratch({
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: debian:stable-slim}
  ShellCommandRequirement: {}
inputs: []
outputs: []
arguments: [{valueFrom: "trap '' TERM; echo started; sleep 1000; echo ${marker}", shellQuote: false}]
`,
  });
  const r = await runAndSignal(['--outdir', path.join(dir, 'out'), 'tool.cwl'], dir, (stderr) => /\[job tool\.cwl\] started/.test(stderr), ['SIGTERM']);
  const container = execFileSync('docker', ['ps', '-a', '--no-trunc', '--format', '{{.Names}} {{.Command}}']).toString().split('\n').find((l) => l.includes(marker)) ?? '';
  assert.equal(r.code, 143, r.stderr);
  assert.deepEqual(errorLines(r.stderr), ['ERROR run cancelled by SIGTERM']);
  assert.equal(container, '', `the step's container is still there: ${container}`);
});
