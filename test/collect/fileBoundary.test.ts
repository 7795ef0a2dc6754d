/**
 * The file boundary's own check, without a run: a job directory reached
 * through a symlink still holds its outputs. Each way a document could name
 * another host file as an output is refused through the CLI, in
 * fileBoundary.itest.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileBoundary } from '../../src/collect/fileBoundary.js';

test('a job directory given through a symlink still holds its outputs; a symlink out of a plain one is still refused', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-boundary-'));
  try {
    await mkdir(path.join(root, 'real', 'job'), { recursive: true });
    await symlink(path.join(root, 'real'), path.join(root, 'link'));
    await writeFile(path.join(root, 'real', 'job', 'out.txt'), 'x');
    await writeFile(path.join(root, 'secret'), 's');
    await symlink(path.join(root, 'secret'), path.join(root, 'real', 'job', 'leak'));
    const viaLink = await FileBoundary.of([path.join(root, 'link', 'job')], {});
    const file = (p: string) => ({ class: 'File', location: `file://${p}`, path: p });
    await viaLink.check(file(path.join(root, 'link', 'job', 'out.txt')), 'through the link');
    const plain = await FileBoundary.of([path.join(root, 'real', 'job')], {});
    await plain.check(file(path.join(root, 'real', 'job', 'out.txt')), 'plain');
    await assert.rejects(plain.check(file(path.join(root, 'real', 'job', 'leak')), 'leak'), /leak: File .* is outside/);
    await assert.rejects(viaLink.check(file(path.join(root, 'link', 'job', 'leak')), 'leak'), /leak: File .* is outside/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
