/**
 * A failed or cancelled run leaves no job directories behind (the outputs
 * of the steps that finished are relocated to --outdir first), unless
 * --leave-tmpdir asks for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

/** A scatter over `n` whose tool runs `command` (with $0 = n) and gives out.txt as its output. */
function scatterRunning(command: string): string {
  return `cwlVersion: v1.2
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
      baseCommand: [sh, -c, '${command}']
      arguments: [$(inputs.n)]
      outputs: {out: {type: File, outputBinding: {glob: out.txt}}}
`;
}

const SCATTER = scatterRunning('echo $0 > out.txt; [ "$0" = 1 ] && exit 3; sleep 4.321');

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
  let signalled = false;
  // Signalled once both jobs have started (their lines), not after a guessed delay.
  const r = await runCli([...prefixes(dir), path.join(dir, 'wf.cwl'), '--n', '2', '--n', '3'], {
    onSpawn: (p) => { pid = p; },
    onStderr: (text) => { if (!signalled && (text.match(/\] sh -c /g) ?? []).length >= 2) { signalled = true; process.kill(pid, 'SIGTERM'); } },
  });
  assert.equal(r.code, 143, r.stderr);
  assert.deepEqual(await left(dir), []);
});

const TMPDIR_REPORT = scatterRunning('echo "$TMPDIR" > out.txt; [ $(($0 % 5)) = 0 ] && touch "$TMPDIR/left"; exit 0');

test('a scatter hands its finished jobs\' empty scratch directories to its next jobs, never one a job left a file in, and removes them at the end', async () => {
  const dir = await scratch({ 'wf.cwl': TMPDIR_REPORT });
  const n = Array.from({ length: 60 }, (_, i) => ['--n', String(i + 1)]).flat();
  const r = await runCli(['--max-cores', '1', ...prefixes(dir), path.join(dir, 'wf.cwl'), ...n]);
  assert.equal(r.code, 0, r.stderr);
  const out = (JSON.parse(r.stdout) as { out: { path: string }[] }).out;
  const used = await Promise.all(out.map(async (f) => (await readFile(f.path, 'utf8')).trim()));
  assert.ok(new Set(used).size < used.length, `some scratch directory is used again (${new Set(used).size} for ${used.length} jobs)`);
  // One core: the jobs run one after another, in order.
  for (let i = 4; i < used.length; i += 5) assert.equal(used.lastIndexOf(used[i]!), i, `job ${i + 1} left a file in ${used[i]}: no later job gets it`);
  assert.deepEqual(await left(dir), []);
});
