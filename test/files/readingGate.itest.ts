/**
 * The reading gate (src/files/) on special files: a FIFO (made by mkfifo, a
 * process), a character device and /dev are refused without being opened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { inScratchDir } from '../helpers/cli.js';
import { readContents, readHostFile } from '../../src/files/hostRead.js';

test('a FIFO, a character device and a socket-free /dev are refused without being opened', () => inScratchDir(async (dir) => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // No writer ever comes: a gate that opened it blocking would hang this test.
  await assert.rejects(readContents(fifo, 'wf/s: output \'o\''), { message: `wf/s: output 'o': loadContents of ${fifo} is a FIFO; only regular files and directories are read` });
  await assert.rejects(readHostFile('/dev/zero', 'the document', { maxBytes: 1024 }), { message: /\/dev\/zero is a character device/ });
}));
