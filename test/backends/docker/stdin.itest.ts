/**
 * A tool's `stdin` is opened by the engine, on the host: it may only name a
 * File the job was given (as the process sees it), never another host file,
 * in a container or not (cwltool looks it up in the job's path map).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../../helpers/cli.js';

const TIMEOUT = { timeout: 120_000 };
const CANARY = 'canary-not-for-the-output\n';
const DOCKER = '  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}\n';

/**
 * A job directory, and a canary outside /tmp: in a container /tmp is the
 * job's own tmpdir, so a host path under it would not name the host's file.
 */
async function bench(t: TestContext): Promise<{ dir: string; canary: string }> {
  const dir = await scratch({ 'input.txt': 'given\n' });
  const canaryDir = await mkdtemp('/var/tmp/bespin-canary-');
  t.after(() => rm(canaryDir, { recursive: true, force: true }));
  const canary = path.join(canaryDir, 'canary.txt');
  await writeFile(canary, CANARY, { mode: 0o600 });
  return { dir, canary };
}

/** Engine options first, then tool inputs (--f always, and any others after the first `--d`). */
async function run(dir: string, ...more: string[]): Promise<CliResult> {
  const split = more.indexOf('--d');
  const [engine, inputs] = split < 0 ? [more, []] : [more.slice(0, split), more.slice(split)];
  return runCli(['--quiet', '--outdir', path.join(dir, 'out'), ...engine, path.join(dir, 'tool.cwl'), '--f', path.join(dir, 'input.txt'), ...inputs], { cwd: dir, timeoutMs: 110_000 });
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
  test(`stdin cannot name a host file the job was not given (${where})`, TIMEOUT, async (t) => {
    const { dir, canary } = await bench(t);
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, canary));
    await assertRefused(await run(dir, ...extra), dir, canary);
  });

  test(`stdin cannot leave an input with ../ (${where})`, TIMEOUT, async (t) => {
    const { dir, canary } = await bench(t);
    const stdin = `$(inputs.f.dirname)/../../../../../../..${canary}`;
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, stdin));
    const r = await run(dir, ...extra);
    const named = /stdin '([^']*)'/.exec(r.stderr)?.[1] ?? '(none)';
    assert.ok(named.endsWith(`..${canary}`), r.stderr);
    await assertRefused(r, dir, named);
  });

  test(`stdin cannot follow a symlink inside an input Directory out of it (${where})`, TIMEOUT, async (t) => {
    const { dir, canary } = await bench(t);
    await mkdir(path.join(dir, 'd'));
    await symlink(canary, path.join(dir, 'd', 'link'));
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, '$(inputs.d.path)/link').replace('  f: File', '  f: File\n  d: Directory'));
    const r = await run(dir, ...extra, '--d', path.join(dir, 'd'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ERROR tool\.cwl: stdin '.*\/d\/link' is not a File among the job's inputs: it leads to canary\.txt outside them$/m);
    assert.doesNotMatch(await readFile(path.join(dir, 'out', 'out.txt'), 'utf8').catch(() => ''), /canary/);
  });

  test(`stdin from an input File still works (${where})`, TIMEOUT, async (t) => {
    const { dir } = await bench(t);
    await writeFile(path.join(dir, 'tool.cwl'), tool(requirements, '$(inputs.f.path)'));
    const r = await run(dir, ...extra);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(path.join(dir, 'out', 'out.txt'), 'utf8'), 'given\n');
  });
}
