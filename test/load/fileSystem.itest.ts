/**
 * An input that is there but cannot be read is reported as a permission
 * problem, not as "file not found". As root every file is readable, so the
 * CLI then runs as nobody (uid 65534).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers/cli.js';

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: cat
inputs:
  data: {type: File, inputBinding: {position: 1}}
outputs: []
`;

function runAsUser(args: string[], home: string): Promise<{ code: number | null; stderr: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { ...asNobody, cwd: home, env: { ...process.env, HOME: home, TMPDIR: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('an input file behind a directory the user cannot enter is "permission denied", not "not found"', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-perm-'));
  await chmod(root, 0o777);
  const locked = path.join(root, 'locked');
  await mkdir(locked);
  await writeFile(path.join(locked, 'data.txt'), 'x');
  await chmod(locked, 0o700); // and owned by this user: when tests run as root, nobody cannot enter it
  if (process.getuid?.() !== 0) await chmod(locked, 0o000);
  await writeFile(path.join(root, 'tool.cwl'), TOOL);
  const r = await runAsUser(['--outdir', path.join(root, 'out'), path.join(root, 'tool.cwl'), '--data', path.join(locked, 'data.txt')], root);
  await chmod(locked, 0o700);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR .*input 'data': cannot read .*locked\/data\.txt: permission denied$/m);
  assert.doesNotMatch(r.stderr, /not found/);
});
