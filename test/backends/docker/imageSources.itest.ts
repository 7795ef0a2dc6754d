/**
 * Images a document builds or loads: a dockerFile's RUN steps have no network
 * unless the tool has NetworkAccess, and dockerLoad reads one regular file, a
 * bounded number of bytes, never a device, FIFO or remote URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../../helpers/cli.js';
import { assertRefused } from '../../helpers/refusal.js';

const TIMEOUT = { timeout: 240_000 };

async function run(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl')], { cwd: dir, timeoutMs: 220_000, env });
}

function tool(requirements: string, command: string): string {
  return `cwlVersion: v1.2
class: CommandLineTool
requirements:
${requirements}
baseCommand: [sh, -c, ${JSON.stringify(command)}]
inputs: []
outputs:
  out: stdout
stdout: out.txt
`;
}

/** A dockerFile whose RUN step records the network interfaces it saw (a nonce keeps Docker's build cache out). */
function dockerFile(): string {
  return `FROM docker.io/debian:stable-slim\nRUN ls /sys/class/net > /interfaces # ${randomBytes(8).toString('hex')}\n`;
}

test("a dockerFile's RUN steps have no network without NetworkAccess", TIMEOUT, async () => {
  const dir = await scratch({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement:\n    dockerFile: ${JSON.stringify(dockerFile())}`, 'cat /interfaces'));
  const r = await run(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(path.join(dir, 'out', 'out.txt'), 'utf8'), 'lo\n');
});

test("with NetworkAccess a dockerFile's RUN steps have Docker's network", TIMEOUT, async () => {
  const dir = await scratch({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  NetworkAccess: {networkAccess: true}\n  DockerRequirement:\n    dockerFile: ${JSON.stringify(dockerFile())}`, 'cat /interfaces'));
  const r = await run(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.notEqual(await readFile(path.join(dir, 'out', 'out.txt'), 'utf8'), 'lo\n');
});

const load = (file: string, image = 'bespin-never-present:none'): string => `  DockerRequirement: {dockerLoad: ${JSON.stringify(file)}, dockerImageId: ${image}}`;

test('dockerLoad refuses a device at once instead of streaming it', TIMEOUT, async () => {
  const dir = await scratch({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('/dev/zero'), 'echo ran'));
  await assertRefused(await run(dir), dir, /^ERROR tool\.cwl: DockerRequirement dockerLoad \/dev\/zero is a character device; only regular files and directories are read$/);
});

test('dockerLoad refuses a FIFO without waiting for a writer', TIMEOUT, async () => {
  const dir = await scratch({});
  execFileSync('mkfifo', [path.join(dir, 'image.tar')]);
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('image.tar'), 'echo ran'));
  await assertRefused(await run(dir), dir, /^ERROR tool\.cwl: DockerRequirement dockerLoad .*\/image\.tar is a FIFO; only regular files and directories are read$/);
});

test('dockerLoad never reads the engine\'s own files (a /proc file says it has 0 bytes), and stops at its byte limit', TIMEOUT, async () => {
  const dir = await scratch({ 'image.tar': 'x'.repeat(2048) });
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('/proc/self/maps'), 'echo ran'));
  await assertRefused(await run(dir), dir, /^ERROR tool\.cwl: DockerRequirement dockerLoad \/proc\/self\/maps \(it resolves to \/proc\/\d+\/maps\) is one of the engine's own files/);
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('image.tar'), 'echo ran'));
  const r = await run(dir, { ...process.env, BESPIN_MAX_DOCKER_LOAD_BYTES: '1024' });
  await assertRefused(r, dir, /^ERROR tool\.cwl: DockerRequirement dockerLoad .*\/image\.tar is larger than the 1 KiB limit \(BESPIN_MAX_DOCKER_LOAD_BYTES\)$/);
});

test('dockerLoad refuses a URL that is not a file', TIMEOUT, async () => {
  const dir = await scratch({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('http://127.0.0.1:9/image.tar'), 'echo ran'));
  await assertRefused(await run(dir), dir, /^ERROR tool\.cwl: DockerRequirement dockerLoad 'http:\/\/127\.0\.0\.1:9\/image\.tar' must be a file path/);
});

test('dockerLoad still loads an image saved to a file beside the document', TIMEOUT, async () => {
  const dir = await scratch({});
  const tag = `bespin-load-test:${randomBytes(4).toString('hex')}`;
  execFileSync('docker', ['tag', 'docker.io/debian:stable-slim', tag]);
  try {
    execFileSync('docker', ['save', '--output', path.join(dir, 'image.tar'), tag]);
    execFileSync('docker', ['rmi', tag]);
    await writeFile(path.join(dir, 'tool.cwl'), tool(load('image.tar', tag), 'echo loaded'));
    const r = await run(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(path.join(dir, 'out', 'out.txt'), 'utf8'), 'loaded\n');
  } finally {
    spawnSync('docker', ['rmi', '--force', tag], { stdio: 'ignore' });
  }
});

test('a dockerLoad file Docker cannot load: unsupported (33) under requirements, a failure (1) as a hint, no output object (as cwltool)', TIMEOUT, async () => {
  const dir = await scratch({ 'image.tar': 'not an image archive\n' });
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('image.tar'), 'echo ran'));
  const required = await run(dir);
  assert.equal(required.code, 33, required.stderr);
  assert.match(required.stderr, /^ERROR tool\.cwl: cannot load image from .*\/image\.tar: .*; the tool cannot run without its container/m);
  assert.equal(required.stdout, '');
  await writeFile(path.join(dir, 'tool.cwl'), tool(load('image.tar'), 'echo ran').replace('requirements:', 'hints:'));
  const hinted = await run(dir);
  assert.equal(hinted.code, 1, hinted.stderr);
  assert.match(hinted.stderr, /^ERROR tool\.cwl: cannot load image from .*\/image\.tar: .*; DockerRequirement is only a hint/m);
  assert.equal(hinted.stdout, '');
});
