/**
 * A NUL byte cannot reach a process: a job whose command line, environment
 * or redirections would carry one is a permanent failure naming the step and
 * the input, without the value (it may be a secret). It used to be an
 * "internal error" that echoed the value from Node's spawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const SECRET = 'hunter2-do-not-print';

test('through the CLI: one permanent-failure line, exit 1, the secret nowhere on stderr', async () => {
  const dir = await scratch({
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  token: {type: string, inputBinding: {position: 1}}
outputs: []
`,
  });
  await writeFile(path.join(dir, 'job.json'), JSON.stringify({ token: `abc\0${SECRET}` }));
  const r = await runCli(['--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), path.join(dir, 'job.json')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR tool\.cwl: input 'token' puts a NUL byte into the command line \(argument 1\)/m);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.ok(!r.stderr.includes(SECRET), r.stderr);
});
