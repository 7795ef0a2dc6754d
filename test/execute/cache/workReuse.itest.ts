/**
 * --cachedir end to end on the local backend: each tool appends a line to a
 * counter file outside the cache, so the tests count the tool processes
 * that really started.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../../helpers/cli.js';
import { until } from '../../helpers/kubernetesRun.js';
import { gatedChain } from '../../helpers/workflows.js';

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

const args = (dir: string, out: string): string[] => ['--cachedir', path.join(dir, 'cache'), '--outdir', path.join(dir, out), '--tmp-outdir-prefix', `${dir}/tmpout/`, '--tmpdir-prefix', `${dir}/tmp/`];

test('a run killed after two of three steps, started again, runs only the third', { timeout: 60_000 }, async () => {
  const dir = await scratch({ 'in.txt': 'abc\n' });
  await writeFile(path.join(dir, 'wf.cwl'), gatedChain(path.join(dir, 'counter'), path.join(dir, 'gate')));
  let pid = 0;
  const first = runCli([...args(dir, 'out1'), path.join(dir, 'wf.cwl'), '--f', path.join(dir, 'in.txt')], { onSpawn: (p) => { pid = p; } });
  await until('the third step started', async () => (await lines(path.join(dir, 'counter'))).includes('three'), 20_000);
  process.kill(pid, 'SIGKILL');
  assert.equal((await first).code, null, 'killed');
  assert.deepEqual(await lines(path.join(dir, 'counter')), ['one', 'two', 'three']);
  await writeFile(path.join(dir, 'gate'), '');
  const second = await runCli([...args(dir, 'out2'), path.join(dir, 'wf.cwl'), '--f', path.join(dir, 'in.txt')]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual((await lines(path.join(dir, 'counter'))).slice(3), ['three'], 'only the unfinished step ran again');
  assert.match(second.stderr, /\[job one\] reused from the cache \(key [0-9a-f]{12}\)/);
  assert.match(second.stderr, /\[job two\] reused from the cache/);
  const out = JSON.parse(second.stdout) as { out: { path: string } };
  assert.equal(await readFile(out.out.path, 'utf8'), 'CBA\nCBA\n');
});

/** One tool; `script` is what it runs on its File ($0) and word ($1). */
const tool = (dir: string, script: string, requirements = ''): string => `cwlVersion: v1.2
class: CommandLineTool
$namespaces: {cwltool: 'http://commonwl.org/cwltool#'}
${requirements}
inputs:
  f: {type: File, inputBinding: {position: 1}}
  word: {type: string, inputBinding: {position: 2}}
baseCommand: [sh, -c, 'echo run >> ${dir}/counter; ${script}']
outputs: {out: {type: File, outputBinding: {glob: out.txt}}}
`;

test('the same input at another path hits; changed content, a changed tool or a changed argument misses', { timeout: 60_000 }, async () => {
  const dir = await scratch({ 'in.txt': 'one\n' });
  await writeFile(path.join(dir, 'tool.cwl'), tool(dir, 'cat $0 > out.txt; echo $1 >> out.txt'));
  await writeFile(path.join(dir, 'changed.cwl'), tool(dir, 'cat $0 $0 > out.txt; echo $1 >> out.txt'));
  await mkdir(path.join(dir, 'elsewhere'));
  await copyFile(path.join(dir, 'in.txt'), path.join(dir, 'elsewhere', 'in.txt'));
  await writeFile(path.join(dir, 'changed.txt'), 'two\n');
  const runs: [string, string, string, string][] = [
    ['tool.cwl', 'in.txt', 'w', 'one\nw\n'],
    ['tool.cwl', 'elsewhere/in.txt', 'w', 'one\nw\n'],
    ['tool.cwl', 'changed.txt', 'w', 'two\nw\n'],
    ['changed.cwl', 'in.txt', 'w', 'one\none\nw\n'],
    ['tool.cwl', 'in.txt', 'v', 'one\nv\n'],
  ];
  const counts: number[] = [];
  for (const [i, [doc, input, word, expected]] of runs.entries()) {
    const r = await runCli([...args(dir, `out${i}`), path.join(dir, doc), '--f', path.join(dir, input), '--word', word]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile((JSON.parse(r.stdout) as { out: { path: string } }).out.path, 'utf8'), expected);
    counts.push((await lines(path.join(dir, 'counter'))).length);
  }
  assert.deepEqual(counts, [1, 1, 2, 3, 4]);
});

test('two runs at once with one cache directory both succeed with correct outputs', { timeout: 60_000 }, async () => {
  const dir = await scratch({});
  const words = ['a', 'b', 'c', 'd'];
  await writeFile(path.join(dir, 'wf.cwl'), `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {words: 'string[]'}
outputs: {out: {type: 'File[]', outputSource: say/out}}
steps:
  say:
    scatter: w
    in: {w: words}
    out: [out]
    run:
      class: CommandLineTool
      inputs: {w: {type: string, inputBinding: {position: 1}}}
      baseCommand: [sh, -c, 'echo $0 >> ${dir}/counter; sleep 0.3; echo "said $0" > out.txt']
      outputs: {out: {type: File, outputBinding: {glob: out.txt}}}
`);
  const run = (out: string): ReturnType<typeof runCli> => runCli([...args(dir, out), path.join(dir, 'wf.cwl'), ...words.flatMap((w) => ['--words', w])]);
  const results = await Promise.all([run('outA'), run('outB')]);
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    const said = (JSON.parse(r.stdout) as { out: { path: string }[] }).out;
    assert.deepEqual(await Promise.all(said.map((f) => readFile(f.path, 'utf8'))), words.map((w) => `said ${w}\n`));
  }
  const before = (await lines(path.join(dir, 'counter'))).length;
  assert.ok(before >= words.length && before <= 2 * words.length, `${before} tool runs`);
  const third = await run('outC');
  assert.equal(third.code, 0, third.stderr);
  assert.equal((await lines(path.join(dir, 'counter'))).length, before, 'a third run reuses everything');
  const markers = (await readdir(path.join(dir, 'cache'))).filter((n) => n.endsWith('.json'));
  assert.equal(markers.length, words.length, 'one entry per distinct step run');
});

test('WorkReuse enableReuse false (and cwltool:WorkReuse) always runs and is never cached', { timeout: 60_000 }, async () => {
  const dir = await scratch({ 'in.txt': 'x\n' });
  await writeFile(path.join(dir, 'off.cwl'), tool(dir, 'cat $0 > out.txt', 'requirements: {WorkReuse: {enableReuse: false}}'));
  await writeFile(path.join(dir, 'ext.cwl'), tool(dir, 'cat $0 > out.txt', "hints: {'cwltool:WorkReuse': {enableReuse: false}}"));
  await writeFile(path.join(dir, 'expr.cwl'), tool(dir, 'cat $0 > out.txt', 'requirements: {WorkReuse: {enableReuse: "$(inputs.word == \'cache\')"}, InlineJavascriptRequirement: {}}'));
  const runs: [string, string][] = [['off.cwl', 'w'], ['off.cwl', 'w'], ['ext.cwl', 'w'], ['ext.cwl', 'w'], ['expr.cwl', 'nocache'], ['expr.cwl', 'nocache'], ['expr.cwl', 'cache'], ['expr.cwl', 'cache']];
  for (const [i, [doc, word]] of runs.entries()) {
    const r = await runCli([...args(dir, `out${i}`), '--enable-ext', path.join(dir, doc), '--f', path.join(dir, 'in.txt'), '--word', word]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal((await lines(path.join(dir, 'counter'))).length, 7, 'every run but the last ran its tool');
  assert.equal((await readdir(path.join(dir, 'cache'))).filter((n) => n.endsWith('.json')).length, 1, 'only the reusable run was cached');
});

test('a step that updates a file in place always runs, and a later step sees the file as it is now', { timeout: 60_000 }, async () => {
  const dir = await scratch({});
  await writeFile(path.join(dir, 'wf.cwl'), `cwlVersion: v1.2
class: Workflow
requirements: {StepInputExpressionRequirement: {}}
inputs: {add: int}
outputs: {seen: {type: File, outputSource: read/out}}
steps:
  make:
    in: {}
    out: [out]
    run:
      class: CommandLineTool
      inputs: []
      baseCommand: [sh, -c, 'echo make >> ${dir}/counter; echo 3 > n.txt']
      outputs: {out: {type: File, outputBinding: {glob: n.txt}}}
  bump:
    in: {f: make/out, add: add}
    out: [out]
    run:
      class: CommandLineTool
      requirements:
        InitialWorkDirRequirement: {listing: [{entry: $(inputs.f), writable: true}]}
        InplaceUpdateRequirement: {inplaceUpdate: true}
      inputs: {f: File, add: {type: int, inputBinding: {position: 1}}}
      baseCommand: [sh, -c, 'echo bump >> ${dir}/counter; echo $(( $(cat n.txt) + $0 )) > n.txt']
      outputs: {out: {type: File, outputBinding: {glob: n.txt}}}
  read:
    in: {f: make/out, after: {source: bump/out, valueFrom: 'done'}}
    out: [out]
    run:
      class: CommandLineTool
      inputs: {f: {type: File, inputBinding: {position: 1}}, after: string}
      baseCommand: [sh, -c, 'echo read >> ${dir}/counter; cat $0 > seen.txt']
      outputs: {out: {type: File, outputBinding: {glob: seen.txt}}}
`);
  const seen: string[] = [];
  for (const [i, add] of ['1', '1', '2'].entries()) {
    const r = await runCli([...args(dir, `out${i}`), path.join(dir, 'wf.cwl'), '--add', add]);
    assert.equal(r.code, 0, r.stderr);
    seen.push(await readFile((JSON.parse(r.stdout) as { seen: { path: string } }).seen.path, 'utf8'));
  }
  assert.deepEqual(seen, ['4\n', '4\n', '5\n'], 'the file as the in-place step left it, not as a cached checksum says');
  assert.deepEqual(await lines(path.join(dir, 'counter')), ['make', 'bump', 'read', 'bump', 'bump', 'read']);
});
