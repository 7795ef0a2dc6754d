/**
 * A tool's whole process tree ends with its step, also what left the
 * tool's process group and session (setsid): when the tool exits, when its
 * time limit fires, and when the run is cancelled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../../helpers/cli.js';

/** The stat fields of a process (after its name), or undefined when it is gone. */
function stat(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  } catch {
    return undefined;
  }
}

/** The processes of the session `sid` (the escaped child made it) that run: a zombie, killed and waiting for its reaper, does not. */
function runningInSession(sid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    const fields = stat(pid);
    return fields !== undefined && fields[0] !== 'Z' && Number(fields[3]) === sid;
  });
}

/** What a test could not end is ended by its pids, so a failing test leaves nothing behind. */
function endIfRunning(sid: number | undefined): void {
  if (sid === undefined) return;
  for (const pid of runningInSession(sid)) process.kill(pid, 'SIGKILL');
}

/**
 * A tool whose child leaves its process group and session (setsid) and then
 * writes its pid (so it has left by then); the tool waits for that, then
 * does `after`.
 */
const escapee = (name: string, after: string, hints = ''): string => `cwlVersion: v1.2
class: CommandLineTool
${hints}inputs: {pids: string}
baseCommand: [sh, -c]
arguments: ['f="$(inputs.pids)/${name}"; setsid sh -c "echo \\$$ > $f.tmp && mv $f.tmp $f; sleep 300" & while [ ! -s "$f" ]; do sleep 0.02; done; ${after}']
outputs: {}
`;

async function escapedPid(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  return Number(text.trim());
}

test('a child in a session of its own (setsid) does not outlive its step', async () => {
  const dir = await scratch({ 'tool.cwl': escapee('pid', 'exit 0') });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl'), '--pids', dir]);
  const pid = await escapedPid(path.join(dir, 'pid'));
  try {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(pid > 0);
    assert.deepEqual(runningInSession(pid), [], `session ${pid}, started with setsid by the tool, still runs after the run`);
  } finally {
    endIfRunning(pid);
  }
});

test('a time limit ends the setsid child too', async () => {
  const dir = await scratch({ 'tool.cwl': escapee('pid', 'sleep 60', 'requirements: {ToolTimeLimit: {timelimit: 1}}\n') });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl'), '--pids', dir]);
  const pid = await escapedPid(path.join(dir, 'pid'));
  try {
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exceeded its time limit of 1 s/);
    assert.deepEqual(runningInSession(pid), [], `session ${pid} still runs after its step timed out`);
  } finally {
    endIfRunning(pid);
  }
});

test('cancelling the run (SIGTERM to the engine mid-step) ends the setsid child too', async () => {
  const dir = await scratch({ 'tool.cwl': escapee('pid', 'sleep 60') });
  let engine: number | undefined;
  const run = runCli(['--quiet', path.join(dir, 'tool.cwl'), '--pids', dir], { onSpawn: (p) => { engine = p; } });
  let pid: number | undefined;
  try {
    // The step is running once its child's pid is written.
    for (let i = 0; i < 200 && pid === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pid = await escapedPid(path.join(dir, 'pid')).catch(() => undefined);
      if (pid === 0) pid = undefined;
    }
    assert.ok(pid !== undefined, 'the tool started');
    process.kill(engine!, 'SIGTERM');
    const r = await run;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^ERROR run cancelled by SIGTERM/m);
    assert.deepEqual(runningInSession(pid), [], `session ${pid} still runs after the run was cancelled`);
  } finally {
    endIfRunning(pid);
  }
});

test("a host tool's marker is its own, and an engine run inside another's step keeps that step's marker too", async () => {
  const dir = await scratch({ 'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [printenv, BESPIN_STEP_TOKEN]
stdout: token.txt
inputs: []
outputs: {token: stdout}
` });
  const read = async (env: NodeJS.ProcessEnv, out: string): Promise<string> => {
    const r = await runCli(['--quiet', '--outdir', path.join(dir, out), path.join(dir, 'tool.cwl')], { env });
    assert.equal(r.code, 0, r.stderr);
    return (await readFile(path.join(dir, out, 'token.txt'), 'utf8')).trim();
  };
  const { BESPIN_STEP_TOKEN: _outer, ...plain } = process.env;
  const alone = await read(plain, 'a');
  assert.match(alone, /^[0-9a-f]{24}[0-9a-z]+\.$/);
  assert.notEqual(await read(plain, 'b'), alone, 'a fresh marker per step');
  assert.match(await read({ ...plain, BESPIN_STEP_TOKEN: 'outer-step' }, 'c'), /^outer-step [0-9a-f]{24}[0-9a-z]+\.$/);
});
