/**
 * What a container may do to the host: a root tool cannot make device nodes
 * (which the engine, running on the host, would then read as outputs), its
 * image's file system is read-only unless --no-read-only, it cannot gain
 * privileges, and its number of processes is bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../../helpers/cli.js';

const IMAGE = 'docker.io/debian:stable-slim';
const TIMEOUT = { timeout: 120_000 };
const CANARY = 'canary-not-for-the-output\n';

/** A scratch directory with a canary only its owner may read, and room for the engine's directories. */
async function bench(): Promise<{ dir: string; run: (doc: string, ...more: string[]) => Promise<CliResult> }> {
  const dir = await scratch({});
  await writeFile(path.join(dir, 'canary.txt'), CANARY, { mode: 0o600 });
  const run = (doc: string, ...more: string[]): Promise<CliResult> => runCli([
    '--quiet', '--outdir', path.join(dir, 'out'), '--tmp-outdir-prefix', `${path.join(dir, 'tmpout')}/`, '--tmpdir-prefix', `${path.join(dir, 'tmp')}/`,
    '--leave-tmpdir', ...more, path.join(dir, doc),
  ], { cwd: dir, timeoutMs: 110_000 });
  return { dir, run };
}

const tool = (command: string, outputs = '  out: stdout', requirements = ''): string => `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: ${IMAGE}}
${requirements}baseCommand: [sh, -c, ${JSON.stringify(command)}]
inputs: []
outputs:
${outputs}
stdout: out.txt
`;

/** Every block or character device under `dir`, recursively. */
async function devicesUnder(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const devices: string[] = [];
  for (const f of found) {
    const s = await lstat(path.join(dir, f));
    if (s.isBlockDevice() || s.isCharacterDevice()) devices.push(f);
  }
  return devices;
}

test('a root container cannot make a node for the host disk that the engine then reads as an output', TIMEOUT, async (t) => {
  if (process.getuid?.() !== 0) return t.skip('containers run as the invoking user: only root can try mknod');
  const { dir, run } = await bench();
  // The disk holding the canary: read through the node by the engine (loadContents), not by the container.
  const dev = (await stat(path.join(dir, 'canary.txt'))).dev;
  const [major, minor] = [(dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)];
  await writeFile(path.join(dir, 'doc.cwl'), tool(`mknod disk b ${major} ${minor} && chmod 666 disk`,
    '  disk:\n    type: File\n    outputBinding: {glob: disk, loadContents: true}'));
  const r = await run('doc.cwl');
  assert.deepEqual(await devicesUnder(dir), [], `a device node was made\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /mknod.*Operation not permitted/);
});

test('a root container cannot leave a set-user-ID program in --outdir', TIMEOUT, async (t) => {
  if (process.getuid?.() !== 0) return t.skip('containers run as the invoking user: only root can make a root-owned setuid file');
  const { dir, run } = await bench();
  // A host user running out/sh would be root; a set-group-ID directory is harmless and stays.
  await writeFile(path.join(dir, 'doc.cwl'), tool('cp /bin/sh sh && chmod 6755 sh && mkdir -p d/e && cp sh d/e/sh && chmod 2775 d',
    '  sh: {type: File, outputBinding: {glob: sh}}\n  d: {type: Directory, outputBinding: {glob: d}}'));
  const r = await run('doc.cwl');
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['sh', 'd/e/sh']) {
    const mode = (await stat(path.join(dir, 'out', f))).mode;
    assert.equal(mode & 0o6000, 0, `${f} is ${(mode & 0o7777).toString(8)}`);
    assert.equal(mode & 0o777, 0o755, f);
  }
  assert.equal((await stat(path.join(dir, 'out', 'd'))).mode & 0o7777, 0o2775);
});

test("the image's file system is read-only; the output directory, HOME and /tmp are writable", TIMEOUT, async () => {
  const { dir, run } = await bench();
  await writeFile(path.join(dir, 'doc.cwl'), tool(
    'for d in /etc /usr/local "$HOME" /tmp "$TMPDIR" .; do if touch "$d/x" 2>/dev/null; then echo "$d writable"; else echo "$d read-only"; fi; done'));
  const r = await run('doc.cwl');
  assert.equal(r.code, 0, r.stderr);
  const seen = await readFile(path.join(dir, 'out', 'out.txt'), 'utf8');
  assert.equal(seen, '/etc read-only\n/usr/local read-only\n/var/spool/cwl writable\n/tmp writable\n/tmp writable\n. writable\n');
});

test('--no-read-only (and no_read_only in --conf) leaves the image writable, as in cwltool', TIMEOUT, async () => {
  const { dir, run } = await bench();
  await writeFile(path.join(dir, 'doc.cwl'), tool('touch /usr/local/x && echo writable'));
  await writeFile(path.join(dir, 'conf.json'), JSON.stringify({ no_read_only: true }));
  for (const options of [['--no-read-only'], ['--conf', path.join(dir, 'conf.json')]]) {
    const r = await run('doc.cwl', ...options);
    assert.equal(r.code, 0, `${options.join(' ')}: ${r.stderr}`);
    const seen = await readFile(path.join(dir, 'out', 'out.txt'), 'utf8');
    assert.equal(seen, 'writable\n', options.join(' '));
  }
});

test('a container gains no privileges, keeps no capability to make devices, and its processes are bounded', TIMEOUT, async () => {
  const { dir, run } = await bench();
  await writeFile(path.join(dir, 'doc.cwl'), tool(
    'grep -E "^(NoNewPrivs|CapBnd)" /proc/self/status; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'));
  const r = await run('doc.cwl');
  assert.equal(r.code, 0, r.stderr);
  const seen = await readFile(path.join(dir, 'out', 'out.txt'), 'utf8');
  assert.match(seen, /^NoNewPrivs:\s+1$/m);
  const bounding = BigInt(`0x${/^CapBnd:\s+([0-9a-f]+)$/m.exec(seen)?.[1] ?? 'ffffffffff'}`);
  const CAP_MKNOD = 27n;
  const CAP_NET_RAW = 13n;
  assert.equal((bounding >> CAP_MKNOD) & 1n, 0n, `CAP_MKNOD is in the bounding set ${bounding.toString(16)}`);
  assert.equal((bounding >> CAP_NET_RAW) & 1n, 0n, `CAP_NET_RAW is in the bounding set ${bounding.toString(16)}`);
  assert.match(seen, /^4096$/m);
});
