/**
 * Bad option values through the CLI, as an unlucky user types them: each is
 * one line naming the option and the value, exit 2, before any tool runs.
 * (Before these were checked, `--retries x` retried a failing tool forever
 * and `--max-gpus x` left the pool admitting nothing: Node exited 13, silent.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

/** Fails with a temporary failure code, leaving one file per attempt. */
const FLAKY = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'touch "$0/attempt-$$"; exit 3']
arguments: [$(inputs.dir)]
inputs:
  dir: string
outputs: []
temporaryFailCodes: [3]
`;

const ECHO = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  word: {type: string, inputBinding: {position: 1}}
outputs: []
`;

function assertUsageError(r: { code: number | null; stderr: string; stdout: string }, line: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, line);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.equal(r.stdout, '');
}

test('--retries x is refused before the tool runs once (it used to retry a failing tool forever)', async () => {
  const dir = await scratch({ 'flaky.cwl': FLAKY });
  const r = await runCli(['--retries', 'x', path.join(dir, 'flaky.cwl'), '--dir', dir], { timeoutMs: 20_000 });
  assertUsageError(r, /^ERROR --retries: 'x' is not a whole number of 0 or more$/m);
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('attempt-')), [], 'no attempt ran');
});

test('--max-gpus x is one line and exit 2 (it used to leave Node to exit 13 with no message)', async () => {
  const dir = await scratch({ 'echo.cwl': ECHO });
  const r = await runCli(['--max-gpus', 'x', path.join(dir, 'echo.cwl'), '--word', 'hi']);
  assertUsageError(r, /^ERROR --max-gpus: 'x' is not a whole number of 0 or more$/m);
});

test('numbers, quantities, enums and files from the command line, a conf file or the environment are named as given', async () => {
  const dir = await scratch({ 'echo.cwl': ECHO, 'conf.json': '{"max_cores": "lots"}' });
  const tool = path.join(dir, 'echo.cwl');
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--max-cores', 'x'], {}, /^ERROR --max-cores: 'x' is not a CPU quantity/m],
    [['--max-ram', '12XB'], {}, /^ERROR --max-ram: '12XB' is not a size in bytes/m],
    [['--eval-timeout', 'soon'], {}, /^ERROR --eval-timeout: 'soon' is not a number of seconds above 0$/m],
    [['--oom-retry', '-2'], {}, /^ERROR --oom-retry: '-2'/m],
    [['--on-error', 'ignore'], {}, /^bespin: argument --on-error: invalid choice: 'ignore' \(choose from 'stop', 'continue'\)$/m],
    [['--download-timeout', 'x'], {}, /^ERROR --download-timeout: 'x' is not a number of seconds/m],
    [['--pod-labels', path.join(dir, 'missing.json')], {}, /^ERROR --pod-labels: cannot read '.*missing\.json': not found$/m],
    [['--conf', path.join(dir, 'conf.json')], {}, /^ERROR --max-cores: 'lots' is not a CPU quantity/m],
    [[], { RETRY_ATTEMPTS: 'many' }, /^ERROR RETRY_ATTEMPTS: 'many' is not a whole number of 1 or more$/m],
    [[], { BESPIN_MAX_DOWNLOAD_BYTES: 'big' }, /^ERROR BESPIN_MAX_DOWNLOAD_BYTES: 'big' is not a size in bytes/m],
  ];
  for (const [args, env, line] of cases) {
    const r = await runCli([...args, tool, '--word', 'hi'], { env: { ...process.env, ...env } });
    assertUsageError(r, line);
  }
});

test('a bad BESPIN_MAX_* exits as a bad RETRY_* and a bad option do: one line naming it, exit 2, before anything loads', async () => {
  const dir = await scratch({ 'echo.cwl': ECHO });
  const tool = path.join(dir, 'echo.cwl');
  const cases: [NodeJS.ProcessEnv, RegExp][] = [
    [{ BESPIN_MAX_DOCUMENT_BYTES: 'huge' }, /^ERROR BESPIN_MAX_DOCUMENT_BYTES: 'huge' is not a size in bytes/m],
    [{ BESPIN_MAX_JOB_FILE_BYTES: '-1' }, /^ERROR BESPIN_MAX_JOB_FILE_BYTES: '-1' is not a size in bytes/m],
    [{ RETRY_MIN: 'soon' }, /^ERROR RETRY_MIN: 'soon' is not a number of seconds$/m],
  ];
  for (const [env, line] of cases) {
    const r = await runCli([tool, '--word', 'hi'], { env: { ...process.env, ...env } });
    assertUsageError(r, line);
  }
});

test("--pods-on-engine-node (or conf pods_on_engine_node) outside the engine's pod is one line and exit 2, before any cluster is reached", async () => {
  const dir = await scratch({ 'echo.cwl': ECHO, 'conf.json': '{"pods_on_engine_node": true}' });
  const tool = path.join(dir, 'echo.cwl');
  // No CALRISSIAN_POD_NAME, and a kubeconfig that would fail if it were read.
  const env = { ...process.env, CALRISSIAN_POD_NAME: '', KUBECONFIG: path.join(dir, 'missing.kubeconfig') };
  for (const args of [['--pods-on-engine-node'], ['--conf', path.join(dir, 'conf.json')]]) {
    const r = await runCli(['--backend', 'kubernetes', ...args, tool, '--word', 'hi'], { env });
    assertUsageError(r, /^ERROR --pods-on-engine-node places step pods on the node of the engine's own pod, but CALRISSIAN_POD_NAME names none: /m);
  }
});
