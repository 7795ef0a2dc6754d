import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const WF = `cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
inputs:
  n: int[]
outputs:
  out:
    type: File[]
    outputSource: sleepy/out
steps:
  broken:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, "echo something went wrong >&2; exit 3"]
      inputs: []
      outputs: []
    in: []
    out: []
  sleepy:
    scatter: n
    in: {n: n}
    out: [out]
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, "sleep 2; echo done-$0"]
      inputs:
        n: {type: int, inputBinding: {position: 1}}
      outputs:
        out: stdout
`;

function processesMatching(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

test('a failing step fails the run with exit 1, names the step and its stderr, and leaves no process behind', async () => {
  const dir = await scratch({ 'wf.cwl': WF.replace(/sleep 2/g, 'sleep 2.345'), 'job.yml': 'n: [1, 2, 3, 4]\n' });
  // Room for every job at once, so the broken step never waits behind the scatter (admission is first come, first served).
  const r = await runCli(['--quiet', '--max-cores', '8', path.join(dir, 'wf.cwl'), path.join(dir, 'job.yml')], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ERROR wf\.cwl\/broken: exited with code 3\nsomething went wrong/);
  // The partial output object, as cwltool: the cancelled scatter gave nothing.
  assert.deepEqual(JSON.parse(r.stdout), { out: null });
  assert.deepEqual(processesMatching('sleep 2.345'), []);
});

test('a step that can never fit --max-ram fails before running anything', async () => {
  const dir = await scratch({
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  ResourceRequirement: {ramMin: 999000}
baseCommand: [touch, ran]
inputs: []
outputs: []
`,
  });
  const r = await runCli(['--quiet', '--max-ram', '2Gi', path.join(dir, 'tool.cwl')], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tool\.cwl: requests more than can ever be available: 999000 MiB of RAM > --max-ram 2048 MiB/);
});
