/**
 * A scatter where one element fails fast while its siblings are slow (issue
 * 11): the run may report its failure only once no sibling runs any more —
 * killed under --on-error stop, finished under continue. Before, the first
 * failure rejected at once and the CLI cleaned up and reported while the
 * siblings still ran (and, under continue, ran on after the run had ended).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { CLI, scratch } from '../helpers/cli.js';

/** `sleep` with an odd duration: its command line marks this test's processes (and containers, which are host processes too). */
function scatterWorkflow(sleep: string, docker: boolean): string {
  return `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {n: 'int[]', marks: string}
outputs: {}
steps:
  element:
    scatter: n
    in: {n: n, marks: marks}
    out: []
    run:
      class: CommandLineTool
${docker ? '      hints: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}\n' : ''}      baseCommand: [sh, -c, 'if [ "$0" = 0 ]; then sleep 0.5; echo element 0 fails >&2; exit 3; fi; sleep ${sleep}; touch "$1/done-$0"']
      inputs:
        n: {type: int, inputBinding: {position: 1}}
        marks: {type: string, inputBinding: {position: 2}}
      outputs: []
`;
}

/** The same scatter of slow elements inside a subworkflow, beside a step that fails. */
function nestedWorkflow(sleep: string): string {
  return `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}, SubworkflowFeatureRequirement: {}}
inputs: {n: 'int[]', marks: string}
outputs: {}
steps:
  broken:
    run: {class: CommandLineTool, baseCommand: [sh, -c, 'sleep 0.5; echo broken fails >&2; exit 3'], inputs: [], outputs: []}
    in: []
    out: []
  inner:
    in: {n: n, marks: marks}
    out: []
    run:
      class: Workflow
      inputs: {n: 'int[]', marks: string}
      outputs: {}
      steps:
        element:
          scatter: n
          in: {n: n, marks: marks}
          out: []
          run:
            class: CommandLineTool
            baseCommand: [sh, -c, 'sleep ${sleep}; touch "$1/done-$0"']
            inputs:
              n: {type: int, inputBinding: {position: 1}}
              marks: {type: string, inputBinding: {position: 2}}
            outputs: []
`;
}

function processesMatching(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

interface Observed {
  readonly code: number | null;
  readonly stderr: string;
  /** Processes of the scatter's elements, and the elements that completed, when the run printed its ERROR line. */
  readonly atError: { readonly processes: string[]; readonly done: string[] } | undefined;
}

/** Runs the CLI and looks at the elements the moment it reports the failure: it must have nothing running by then. */
async function runScatter(onError: 'stop' | 'continue', sleep: string, docker: boolean, document = scatterWorkflow(sleep, docker)): Promise<Observed & { marks: string }> {
  const dir = await scratch({ 'wf.cwl': document });
  const marks = path.join(dir, 'marks');
  await mkdir(marks);
  const args = ['--on-error', onError, '--max-cores', '8', '--outdir', path.join(dir, 'out'), path.join(dir, 'wf.cwl'), '--marks', marks];
  for (const n of [0, 1, 2, 3]) args.push('--n', String(n));
  const observed = await new Promise<Observed>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let atError: Observed['atError'];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bespin did not finish in time:\n${stderr}`)); }, 60_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (atError === undefined && /^ERROR /m.test(stderr)) {
        atError = { processes: processesMatching(`sleep ${sleep}`), done: readdirSync(marks).sort() };
      }
    });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr, atError }); });
  });
  return { ...observed, marks };
}

test('under --on-error stop a failed element kills its siblings and waits for them before the run fails', async () => {
  const r = await runScatter('stop', '20.468', false);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR wf\.cwl\/element\[0\]: exited with code 3\nelement 0 fails/m);
  assert.deepEqual(r.atError, { processes: [], done: [] });
  assert.deepEqual(await readdir(r.marks), [], 'no sibling completed');
});

test('under --on-error continue the siblings of a failed element all complete before the run fails with its error', async () => {
  const r = await runScatter('continue', '2.468', false);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR wf\.cwl\/element\[0\]: exited with code 3\nelement 0 fails/m);
  assert.deepEqual(r.atError, { processes: [], done: ['done-1', 'done-2', 'done-3'] });
});

test('under --on-error stop the containers of the siblings are gone before the run fails', async () => {
  const r = await runScatter('stop', '20.579', true);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR wf\.cwl\/element\[0\]: exited with code 3/m);
  assert.deepEqual(r.atError?.processes, []);
  assert.deepEqual(processesMatching('sleep 20.579'), []);
});

test('under --on-error stop a failed step cancels the scatter inside a subworkflow beside it, and waits for it', async () => {
  const r = await runScatter('stop', '20.691', false, nestedWorkflow('20.691'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR wf\.cwl\/broken: exited with code 3\nbroken fails/m);
  assert.deepEqual(r.atError, { processes: [], done: [] });
});
