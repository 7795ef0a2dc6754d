import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

/**
 * Log lines are text in cwltool's shape wherever a person reads them (a
 * pipe here, as the --stderr file the platform shows); JSON only when asked,
 * by --log-format json or the conf key log_format.
 */

const WF = `cwlVersion: v1.2
class: Workflow
inputs: {}
outputs: {}
steps:
  s1:
    run:
      class: CommandLineTool
      baseCommand: [echo, hi]
      inputs: []
      outputs: []
    in: []
    out: []
`;

const engineLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '');

test('by default, on a pipe and in the --stderr file: text lines naming the job as cwltool does', async () => {
  const dir = await scratch({ 'wf.cwl': WF });
  const r = await runCli(['--stderr', 'log.txt', '--outdir', 'out', 'wf.cwl'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^INFO \[job s1\] echo hi$/m);
  assert.match(r.stderr, /^INFO Final process status is success$/m);
  assert.ok(engineLines(r.stderr).every((l) => !l.startsWith('{')), r.stderr);
  assert.equal(await readFile(path.join(dir, 'log.txt'), 'utf8'), r.stderr);
});

test('--log-format json, or log_format in a conf file: one JSON record a line, the command line over the conf', async () => {
  const dir = await scratch({ 'wf.cwl': WF });
  await writeFile(path.join(dir, 'json.json'), '{"log_format": "json"}');
  await writeFile(path.join(dir, 'text.json'), '{"log_format": "text"}');
  const [flag, conf, overridden] = await Promise.all([
    runCli(['--log-format', 'json', '--outdir', 'out1', 'wf.cwl'], { cwd: dir }),
    runCli(['--conf', 'json.json', '--outdir', 'out2', 'wf.cwl'], { cwd: dir }),
    runCli(['--conf', 'json.json', '--log-format', 'text', '--outdir', 'out3', 'wf.cwl'], { cwd: dir }),
  ]);
  for (const r of [flag, conf]) {
    assert.equal(r.code, 0, r.stderr);
    const records = engineLines(r.stderr).map((l) => JSON.parse(l) as { level: number; msg: string; step?: string });
    assert.ok(records.some((x) => x.step === 'wf.cwl/s1' && x.msg === '[wf.cwl/s1] echo hi' && x.level === 30), r.stderr);
  }
  assert.match(overridden.stderr, /^INFO \[job s1\] echo hi$/m);
});

test('a log_format a conf file cannot take is named', async () => {
  const dir = await scratch({ 'wf.cwl': WF, 'conf.json': '{"log_format": "xml"}' });
  const r = await runCli(['--conf', 'conf.json', 'wf.cwl'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR conf file conf\.json: .*log_format/m);
});
