/**
 * Both checksums go through the reading gate: a FIFO (made by mkfifo, a
 * process) is refused, never read, and a missing file is named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { inScratchDir } from '../helpers/cli.js';
import { sha1HostFile, smallFileDigest } from '../../src/files/hostRead.js';

test('neither checksum blocks on a FIFO or hides a missing file: both refuse with one line', () => inScratchDir(async (dir) => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => smallFileDigest(fifo, 'test: output file'), { message: `test: output file ${fifo} is a FIFO; only regular files and directories are read` });
  await assert.rejects(sha1HostFile(fifo, 'test: output file'), { message: /is a FIFO/ });
  assert.throws(() => smallFileDigest(path.join(dir, 'missing'), 'test: output file'), { message: /missing: not found$/ });
}));
