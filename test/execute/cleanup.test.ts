/**
 * A failed or cancelled run leaves no job directories behind (its outputs
 * were never relocated), unless --leave-tmpdir asks for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const SCATTER = `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {n: 'int[]'}
outputs: {out: {type: 'File[]', outputSource: step/out}}
steps:
  step:
    scatter: n
    in: {n: n}
    out: [out]
    run:
      class: CommandLineTool
      inputs: {n: int}
      baseCommand: [sh, -c, 'echo $0 > out.txt; [ "$0" = 1 ] && exit 3; sleep 4.321']
      arguments: [$(inputs.n)]
      outputs: {out: {type: File, outputBinding: {glob: out.txt}}}
`;

async function left(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const sub of ['tmpout', 'tmp']) {
    for (const f of await readdir(path.join(dir, sub)).catch(() => [] as string[])) found.push(`${sub}/${f}`);
  }
  return found;
}

const prefixes = (dir: string): string[] => ['--tmp-outdir-prefix', `${path.join(dir, 'tmpout')}/`, '--tmpdir-prefix', `${path.join(dir, 'tmp')}/`, '--outdir', path.join(dir, 'out')];

test('a failed run removes its job directories, including those of steps that were still running', async () => {
  const dir = await scratch({ 'wf.cwl': SCATTER });
  const r = await runCli([...prefixes(dir), path.join(dir, 'wf.cwl'), '--n', '1', '--n', '2', '--n', '3']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ERROR wf\.cwl\/step\S*: exited with code 3/);
  assert.deepEqual(await left(dir), []);
});

test('--leave-tmpdir keeps them for inspection', async () => {
  const dir = await scratch({ 'wf.cwl': SCATTER });
  const r = await runCli(['--leave-tmpdir', ...prefixes(dir), path.join(dir, 'wf.cwl'), '--n', '1']);
  assert.equal(r.code, 1);
  assert.ok((await left(dir)).some((f) => f.startsWith('tmpout/')), 'the failed step\'s output directory is kept');
});

test('a cancelled run removes its job directories too', async () => {
  const dir = await scratch({ 'wf.cwl': SCATTER });
  let pid = 0;
  const running = runCli([...prefixes(dir), path.join(dir, 'wf.cwl'), '--n', '2', '--n', '3'], { onSpawn: (p) => { pid = p; } });
  await new Promise((r) => setTimeout(r, 1500));
  process.kill(pid, 'SIGTERM');
  const r = await running;
  assert.equal(r.code, 143, r.stderr);
  assert.deepEqual(await left(dir), []);
});
