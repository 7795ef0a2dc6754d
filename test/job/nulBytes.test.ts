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
import { PermanentFailure } from '../../src/errors.js';
import { refuseNulBytes } from '../../src/job/nulBytes.js';
import { runCli, scratch } from '../helpers/cli.js';

const SECRET = 'hunter2-do-not-print';

test('the input that put a NUL byte into the command line, the environment or a file name is named; the value is not', () => {
  const inputs = { plain: 'x', token: { nested: [`a\0${SECRET}`] } };
  const refused = (job: Parameters<typeof refuseNulBytes>[0], message: RegExp): void => assert.throws(() => refuseNulBytes(job, inputs, 'step1'), (e: unknown) => {
    assert.ok(e instanceof PermanentFailure);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, new RegExp(SECRET));
    return true;
  });
  refused({ argv: ['echo', `a\0${SECRET}`], env: {} }, /^step1: input 'token' puts a NUL byte into the command line \(argument 1\), which no process can be given \(the value is not shown\)$/);
  refused({ argv: ['env'], env: { TOKEN: `a\0${SECRET}` } }, /into the environment \(TOKEN\)/);
  refused({ argv: ['cat'], env: {}, stdout: `a\0${SECRET}` }, /into the stdout file name/);
  assert.throws(() => refuseNulBytes({ argv: ['echo', 'a\0b'], env: {} }, { plain: 'x' }, 'step1'), { name: 'PermanentFailure', message: /^step1: the command line \(argument 1\) contains a NUL byte/ });
  refuseNulBytes({ argv: ['echo', 'fine'], env: { A: 'b' } }, inputs, 'step1');
});

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
