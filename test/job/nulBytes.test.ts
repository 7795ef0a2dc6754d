/**
 * A NUL byte cannot reach a process: a job whose command line, environment
 * or redirections would carry one is a permanent failure naming the step and
 * the input, without the value (it may be a secret). It used to be an
 * "internal error" that echoed the value from Node's spawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentFailure } from '../../src/errors.js';
import { refuseNulBytes } from '../../src/job/nulBytes.js';

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
