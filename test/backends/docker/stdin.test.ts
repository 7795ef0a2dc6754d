/**
 * A tool's `stdin` is opened by the engine, on the host: it may only name a
 * File the job was given (as the process sees it), never another host file,
 * in a container or not (cwltool looks it up in the job's path map).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../../helpers/cli.js';

const TIMEOUT = { timeout: 120_000 };
const CANARY = 'canary-not-for-the-output\n';
const DOCKER = '  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}\n';

async function bench(): Promise<{ dir: string; canary: string }> {
  const dir = await scratch({ 'input.txt': 'given\n' });
  const canary = path.join(dir, 'canary.txt');
  await writeFile(canary, CANARY, { mode: 0o600 });
  return { dir, canary };
}

async function run(dir: string, ...more: string[]): Promise<CliResult> {
  return runCli(['--quiet', '--outdir', path.join(dir, 'out'), ...more, path.join(dir, 'tool.cwl'), '--f', path.join(dir, 'input.txt')], { cwd: dir, timeoutMs: 110_000 });
}

function tool(requirements: string, stdin: string): string {
  return `cwlVersion: v1.2
class: CommandLineTool
requirements:
  InlineJavascriptRequirement: {}
${requirements}baseCommand: cat
inputs:
  f: File
outputs:
  out: stdout
stdin: ${JSON.stringify(stdin)}
stdout: out.txt
`;
}

/** Refused before anything ran: exit 1, one ERROR line naming the stdin path, nothing of the canary anywhere in --outdir. */
async function assertRefused(r: CliResult, dir: string, stdin: string): Promise<void> {
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
  assert.equal(r.code, 1, `expected a refusal, got exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(errors.length, 1, r.stderr);
  assert.ok(errors[0]!.startsWith(`ERROR tool.cwl: stdin '${stdin}' is not a File among the job's inputs`), errors[0]);
  for (const f of await readdir(path.join(dir, 'out'), { recursive: true }).catch(() => [] as string[])) {
    const text = await readFile(path.join(dir, 'out', f), 'utf8').catch(() => '');
    assert.ok(!text.includes('canary'), `the canary reached ${f}`);
  }
  assert.ok(!r.stdout.includes('canary'));
}

for (const [where, requirements, extra] of [['in Docker', DOCKER, []], ['on the host', '', ['--no-container']]] as const) {
  test(`stdin cannot name a host file the job was not given (${where})`, TIMEOUT, async () => {
    const { dir, canary } = await bench();
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, canary));
    await assertRefused(await run(dir, ...extra), dir, canary);
  });

  test(`stdin cannot leave an input with ../ (${where})`, TIMEOUT, async () => {
    const { dir, canary } = await bench();
    const stdin = `$(inputs.f.dirname)/../../../../../../..${canary}`;
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, stdin));
    const r = await run(dir, ...extra);
    const named = /stdin '([^']*)'/.exec(r.stderr)?.[1] ?? '(none)';
    assert.ok(named.endsWith(`..${canary}`), r.stderr);
    await assertRefused(r, dir, named);
  });

  test(`stdin from an input File still works (${where})`, TIMEOUT, async () => {
    const { dir } = await bench();
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, '$(inputs.f.path)'));
    const r = await run(dir, ...extra);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(path.join(dir, 'out', 'out.txt'), 'utf8'), 'given\n');
  });
}
