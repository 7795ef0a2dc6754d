import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobObjectFromText } from '../../src/load/jobFile.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';
import { UnsupportedRequirementError } from '../../src/errors.js';

const URI = 'file:///jobs/job.yml';
const job = (text: string): Record<string, unknown> => jobObjectFromText(text, URI, DEFAULT_LIMITS).inputs;

function refused(text: string, message: RegExp): void {
  assert.throws(() => job(text), (error: unknown) => {
    assert.ok(error instanceof UnsupportedRequirementError, String(error));
    assert.equal(error.exitCode, 33);
    assert.match(error.message, message);
    return true;
  });
}

test('an integer past 2^53 that a number would round is refused, naming the input, in YAML and in JSON', () => {
  refused('n: 9007199254740993\n', /^\/jobs\/job\.yml: input 'n': 9007199254740993 is an integer beyond ±2\^53, which bespin cannot hold exactly; refusing it rather than run with 9007199254740992$/);
  refused('{"n": 9007199254740993}', /input 'n': 9007199254740993 /);
  refused('xs: [1, {deep: -18014398509481985}]\n', /input 'xs\[1\]\.deep': -18014398509481985 .* -18014398509481984$/);
  refused('{"a": 1, "xs": [1, {"deep": 18014398509481985}]}', /input 'xs\[1\]\.deep'/);
});

test('integers a number holds exactly, large ones too, and quoted digits are taken as they are', () => {
  assert.deepEqual(job('n: 9007199254740992\nm: 9223372036854775808\ns: "9007199254740993"\n'), { n: 2 ** 53, m: 2 ** 63, s: '9007199254740993' });
  assert.deepEqual(job('{"n": 9007199254740992, "s": "9007199254740993", "d": 1.5}'), { n: 2 ** 53, s: '9007199254740993', d: 1.5 });
});
