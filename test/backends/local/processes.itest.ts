/**
 * A tool is done when it exits: what it leaves running in the background
 * neither holds the engine up nor outlives the step, and a time limit ends the
 * whole process group and is reported when it fires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runCli, scratch } from '../../helpers/cli.js';
import { assertShorterThan, sleepingRun } from '../../helpers/sleepingRun.js';

const left = (marker: string): string[] =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));

test('a background child holding stdout does not keep the engine waiting, and does not outlive the step', async () => {
  const dir = await scratch({ 'bg.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'sleep 27.182 & echo started']
inputs: []
outputs: {}
` });
  const [r, sleeping] = await Promise.all([runCli(['--quiet', path.join(dir, 'bg.cwl')]), sleepingRun(3)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /started/);
  assertShorterThan(r, sleeping, 'the run ended when the tool did, not when its child (sleeping 27 s) did');
  assert.deepEqual(left('sleep 27.182'), []);
});

test('a time limit ends the whole process group and is reported when it fires', async () => {
  const dir = await scratch({ 'tl.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  ToolTimeLimit: {timelimit: 2}
baseCommand: [sh, -c, 'sleep 31.415 & setsid sleep 31.416 & sleep 31.415']
inputs: []
outputs: {}
` });
  const [r, sleeping] = await Promise.all([runCli(['--quiet', path.join(dir, 'tl.cwl')]), sleepingRun(5)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR tl\.cwl: exceeded its time limit of 2 s$/m);
  assertShorterThan(r, sleeping, 'reported within a moment of the 2 s limit, even with a child in a session of its own holding stderr');
  assert.deepEqual(left('sleep 31.415'), [], 'the process group is gone');
  assert.deepEqual(left('sleep 31.416'), [], 'and the child that left the group (setsid), found by its step token');
});
