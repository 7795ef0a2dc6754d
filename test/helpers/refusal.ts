import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CliResult } from './cli.js';

/** Refused before anything ran: exit 1, one ERROR line matching `value`, no stack, nothing in `dir/out`. */
export async function assertRefused(r: CliResult, dir: string, value: RegExp): Promise<void> {
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
  assert.equal(r.code, 1, `expected a refusal, got exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, value);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at .+:\d+:\d+/);
  assert.deepEqual(await readdir(path.join(dir, 'out')).catch(() => []), [], 'nothing ran: no output');
}
