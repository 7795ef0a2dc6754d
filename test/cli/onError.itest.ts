import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { runCwltool } from '../helpers/cwltool.js';
import { assertShorterThan, sleepingRun } from '../helpers/sleepingRun.js';

/**
 * `broken` fails at once; `slow` does not depend on it and `after` depends
 * only on `slow`. Each step that completes leaves a file in `marks`.
 */
const wf = (sleep: number): string => `cwlVersion: v1.2
class: Workflow
inputs: {marks: string}
outputs: {}
steps:
  broken:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'echo broken fails >&2; exit 3']
      inputs: []
      outputs: []
    in: []
    out: []
  slow:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'sleep ${sleep}; touch "$0/slow"; echo ok']
      inputs: {marks: {type: string, inputBinding: {position: 1}}}
      outputs: {said: stdout}
    in: {marks: marks}
    out: [said]
  after:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'touch "$0/after"']
      inputs:
        marks: {type: string, inputBinding: {position: 1}}
        said: File
      outputs: []
    in: {marks: marks, said: slow/said}
    out: []
`;

async function marksDir(dir: string, name: string): Promise<string> {
  const marks = path.join(dir, name);
  await mkdir(marks);
  return marks;
}

test('--on-error takes stop or continue only: anything else is a usage error naming the option and value, as in cwltool', async () => {
  const dir = await scratch({ 'wf.cwl': wf(1.5) });
  const [bespin, cwltool] = await Promise.all([
    runCli(['--on-error', 'later', 'wf.cwl', '--marks', dir], { cwd: dir }),
    runCwltool(['--on-error', 'later', 'wf.cwl', '--marks', dir], { cwd: dir }),
  ]);
  assert.equal(cwltool.code, 2);
  assert.equal(bespin.code, 2, bespin.stderr);
  assert.equal(bespin.stderr, "bespin: argument --on-error: invalid choice: 'later' (choose from 'stop', 'continue')\n");
  await writeFile(path.join(dir, 'conf.json'), '{"on_error": "later"}');
  const conf = await runCli(['--conf', 'conf.json', 'wf.cwl', '--marks', dir], { cwd: dir });
  assert.equal(conf.code, 1, conf.stderr);
  assert.match(conf.stderr, /^ERROR conf file conf\.json: .*on_error.*allowed values/);
});

test('under --on-error continue the steps that do not depend on the failed one run to the end, as in cwltool; the run fails', async () => {
  const dir = await scratch({ 'wf.cwl': wf(1.5) });
  const [bespinMarks, cwltoolMarks] = await Promise.all([marksDir(dir, 'bespin'), marksDir(dir, 'cwltool')]);
  const both = await Promise.all([
    runCli(['--on-error', 'continue', '--outdir', 'out-b', 'wf.cwl', '--marks', bespinMarks], { cwd: dir }),
    runCwltool(['--on-error', 'continue', '--outdir', 'out-c', 'wf.cwl', '--marks', cwltoolMarks], { cwd: dir }),
  ]);
  const [bespin, cwltool] = both;
  assert.equal(cwltool.code, 1, cwltool.stderr);
  assert.equal(bespin.code, 1, bespin.stderr);
  assert.match(bespin.stderr, /^ERROR wf\.cwl\/broken: exited with code 3\nbroken fails/m);
  assert.deepEqual((await readdir(cwltoolMarks)).sort(), ['after', 'slow']);
  assert.deepEqual((await readdir(bespinMarks)).sort(), ['after', 'slow']);
});

test('under --on-error stop (the default) the running steps are cancelled and nothing more starts', async () => {
  const dir = await scratch({ 'wf.cwl': wf(30) });
  const marks = await marksDir(dir, 'marks');
  const [r, sleeping] = await Promise.all([runCli(['--max-cores', '4', 'wf.cwl', '--marks', marks], { cwd: dir }), sleepingRun(5)]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cancelling the running steps after the failure of broken/);
  assert.match(r.stderr, /not run because of the failure: after/);
  assert.deepEqual(await readdir(marks), []);
  assertShorterThan(r, sleeping, 'slow (sleeping 30 s) was killed, not waited for');
});

