/**
 * The workflow graph check as a user meets it: `--validate` and a run refuse
 * before any step starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { assertRefused } from '../helpers/refusal.js';
import { ECHO, workflow } from './graphDocuments.js';

test('--validate refuses such a workflow with exit 1 and one ERROR line; a run refuses it before any step starts', async () => {
  const dir = await scratch({ 'echo.cwl': ECHO });
  await writeFile(path.join(dir, 'touch.cwl'), `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [touch, ${path.join(dir, 'ran')}]
inputs: []
outputs: []
`);
  await writeFile(path.join(dir, 'wf.cwl'), workflow(`inputs:
  msg: string
outputs: []
steps:
  first:
    run: touch.cwl
    in: {}
    out: []
  later:
    run: echo.cwl
    in: {x: first/typo}
    out: [out]
`));
  const validate = await runCli(['--validate', path.join(dir, 'wf.cwl')], { cwd: dir });
  await assertRefused(validate, dir, /^ERROR .*wf\.cwl:\d+:\d+: step 'later' input 'x': source 'first\/typo' names no output of step 'first'/);
  assert.doesNotMatch(validate.stdout, /is valid CWL/);
  const run = await runCli(['--outdir', path.join(dir, 'out'), path.join(dir, 'wf.cwl'), '--msg', 'hi'], { cwd: dir });
  await assertRefused(run, dir, /step 'later' input 'x': source 'first\/typo'/);
  await assert.rejects(access(path.join(dir, 'ran')), 'the first step never ran');
});
