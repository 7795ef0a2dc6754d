/**
 * The workflow graph is checked once after loading, as cwltool's
 * static_checker: each refusal below is a document cwltool refuses at load,
 * each allowed case one it runs (some with a warning). Documents are loaded
 * by the real loader from real files, so positions are found in their text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadProcess } from '../../src/load/loadProcess.js';
import { checkWorkflowGraph } from '../../src/validate/workflowGraph.js';
import { runCli, scratch } from '../helpers/cli.js';
import { assertRefused } from '../helpers/refusal.js';

const ECHO = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  x: {type: string, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

const CAT = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: cat
inputs:
  f: {type: File, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

const COUNT = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  n: {type: int, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

const PAIR = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  f: {type: File, inputBinding: {position: 1}}
  x: {type: string, inputBinding: {position: 2}}
outputs:
  out: stdout
`;

/** A workflow: requirements for every feature, then the given inputs, outputs and steps (YAML, indented as at top level). */
function workflow(body: string): string {
  return `cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
  MultipleInputFeatureRequirement: {}
  StepInputExpressionRequirement: {}
  InlineJavascriptRequirement: {}
  SubworkflowFeatureRequirement: {}
${body}`;
}

interface Checked {
  readonly error?: string;
  readonly warnings: readonly string[];
  readonly dir: string;
}

async function check(wf: string): Promise<Checked> {
  const dir = await scratch({ 'wf.cwl': wf, 'echo.cwl': ECHO, 'cat.cwl': CAT, 'count.cwl': COUNT, 'pair.cwl': PAIR });
  const process = await loadProcess(path.join(dir, 'wf.cwl'));
  const warnings: string[] = [];
  try {
    await checkWorkflowGraph(process, (m) => warnings.push(m));
    return { warnings, dir };
  } catch (error) {
    return { error: (error as Error).message, warnings, dir };
  }
}

async function refused(wf: string, message: RegExp): Promise<Checked> {
  const r = await check(wf);
  assert.ok(r.error !== undefined, `expected a refusal matching ${message}`);
  assert.match(r.error, message);
  return r;
}

async function allowed(wf: string): Promise<readonly string[]> {
  const r = await check(wf);
  assert.equal(r.error, undefined);
  return r.warnings;
}

test('a source naming no workflow input or step output is refused at its file:line:column, naming the step', async () => {
  const r = await refused(workflow(`inputs:
  msg: string
outputs: []
steps:
  s1:
    run: echo.cwl
    in:
      x: msg
    out: [out]
  s2:
    run: cat.cwl
    in:
      f: a/typo
    out: [out]
`), /step 's2' input 'f': source 'a\/typo' is neither a workflow input nor a step output/);
  assert.equal(r.error!.split(': ')[0], `${r.dir}/wf.cwl:21:10`);
});

test("a source naming an output its step does not list under out says what the step's out has", async () => {
  await refused(workflow(`inputs:
  msg: string
outputs: []
steps:
  s1:
    run: echo.cwl
    in: {x: msg}
    out: []
  s2:
    run: cat.cwl
    in: {f: s1/out}
    out: [out]
`), /wf\.cwl:\d+:\d+: step 's2' input 'f': source 's1\/out' names no output of step 's1' \(its out: none\)/);
});

test('an out name the process does not declare is refused, pointing at the name', async () => {
  const r = await refused(workflow(`inputs:
  msg: string
outputs: []
steps:
  s1:
    run: echo.cwl
    in: {x: msg}
    out: [out, typo]
`), /step 's1': out 'typo' is not an output of its process \(it has 'out'\)/);
  assert.equal(r.error!.split(': ')[0], `${r.dir}/wf.cwl:16:16`);
});

test('an outputSource naming nothing is refused', async () => {
  await refused(workflow(`inputs:
  msg: string
outputs:
  o:
    type: File
    outputSource: s1/nothing
steps:
  s1:
    run: echo.cwl
    in: {x: msg}
    out: [out]
`), /wf\.cwl:14:19: output 'o': outputSource 's1\/nothing' names no output of step 's1' \(its out: 'out'\)/);
});

test('a File source into an int sink, and an int into a File, can never match: refused', async () => {
  await refused(workflow(`inputs:
  msg: string
outputs: []
steps:
  s1:
    run: echo.cwl
    in: {x: msg}
    out: [out]
  s2:
    run: count.cwl
    in: {n: s1/out}
    out: [out]
`), /step 's2' input 'n': source 's1\/out' of type File is incompatible with sink 'n' of type int/);
  await refused(workflow(`inputs:
  n: int
outputs:
  o: {type: int, outputSource: s1/out}
steps:
  s1:
    run: cat.cwl
    in: {f: n}
    out: [out]
`), /step 's1' input 'f': source 'n' of type int is incompatible with sink 'f' of type File[\s\S]*output 'o': source 's1\/out' of type File is incompatible with sink 'o' of type int/);
});

test('several sources are merged into an array (merge_nested by default): into a single value they are refused', async () => {
  await refused(workflow(`inputs:
  a: string
  b: string
outputs:
  o:
    type: string
    outputSource: [a, b]
    pickValue: all_non_null
steps: []
`), /output 'o': source 'a' of type string, merged by merge_nested into string\[\], is incompatible with sink 'o' of type string \(pickValue all_non_null\)/);
});

test('scatter over a name that is not a step input, or over several without a scatterMethod, is refused', async () => {
  await refused(workflow(`inputs:
  msgs: string[]
outputs: []
steps:
  s1:
    run: echo.cwl
    scatter: y
    in: {x: msgs}
    out: [out]
`), /step 's1': scatters over 'y', which is not one of its inputs \('x'\)/);
  await refused(workflow(`inputs:
  msgs: string[]
outputs: []
steps:
  s1:
    run: echo.cwl
    scatter: [x, z]
    in: {x: msgs, z: msgs}
    out: [out]
`), /step 's1': scatters over 2 inputs without a scatterMethod/);
});

test('a required input of the process that the step leaves without a value is refused', async () => {
  await refused(workflow(`inputs: []
outputs: []
steps:
  s1:
    run: echo.cwl
    in: {}
    out: [out]
`), /step 's1': input 'x' of its process is required, but the step does not give it/);
  await refused(workflow(`inputs: []
outputs: []
steps:
  s1:
    run: echo.cwl
    in:
      x: {}
    out: [out]
`), /step 's1': input 'x' is required, but has no source, default or valueFrom/);
});

test('steps that wait for each other are refused as a cycle, naming only the steps on it', async () => {
  await refused(workflow(`inputs:
  f: File
outputs: []
steps:
  a:
    run: cat.cwl
    in: {f: b/out}
    out: [out]
  b:
    run: cat.cwl
    in: {f: a/out}
    out: [out]
  after:
    run: cat.cwl
    in: {f: b/out}
    out: [out]
`), /the steps 'a', 'b' wait for each other's outputs \(a cycle\)/);
});

test('a problem inside a workflow written inline is found inside it', async () => {
  const r = await refused(workflow(`inputs:
  msg: string
outputs: []
steps:
  outer:
    run:
      class: Workflow
      inputs:
        x: string
      outputs: []
      steps:
        inner:
          run: echo.cwl
          in:
            x: nowhere
          out: [out]
    in: {x: msg}
    out: []
`), /step 'inner' input 'x': source 'nowhere' is neither/);
  assert.equal(r.error!.split(': ')[0], `${r.dir}/wf.cwl:23:16`);
});

test('allowed: linkMerge merge_flattened and merge_nested into arrays, and pickValue picking one', async () => {
  const warnings = await allowed(workflow(`inputs:
  one: File
  many: File[]
  maybe: File?
outputs:
  flat: {type: 'File[]', outputSource: [one, many], linkMerge: merge_flattened}
  nested: {type: 'File[]', outputSource: [one, one]}
  picked: {type: File, outputSource: [maybe, one], pickValue: first_non_null}
steps: []
`));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /output 'picked': source 'maybe' of type File\? may be incompatible with sink 'picked' of type File \(pickValue first_non_null\)/);
});

test('allowed: scatter takes an array level off its inputs and puts one on its outputs (one per input for nested_crossproduct)', async () => {
  assert.deepEqual(await allowed(workflow(`inputs:
  files: File[]
  words: string[]
outputs:
  each: {type: 'File[]', outputSource: s1/out}
  grid: {type: 'File[][]', outputSource: s2/out}
steps:
  s1:
    run: cat.cwl
    scatter: f
    in: {f: files}
    out: [out]
  s2:
    run: pair.cwl
    scatter: [f, x]
    scatterMethod: nested_crossproduct
    in: {f: files, x: words}
    out: [out]
`)), []);
});

test('allowed: Any on either side, null into an optional sink, and valueFrom (which replaces the value)', async () => {
  const warnings = await allowed(workflow(`inputs:
  anything: Any
  n: int
  f: File
outputs:
  o: {type: Any, outputSource: n}
  opt: {type: File?, outputSource: f}
steps:
  s1:
    run: count.cwl
    in: {n: anything}
    out: [out]
  s2:
    run: cat.cwl
    in:
      f:
        source: n
        valueFrom: $(null)
    out: [out]
`));
  assert.deepEqual(warnings, []);
});

test('warned, not refused: an optional source into a required sink, a conditional step\'s output, an input the process lacks', async () => {
  const r = await check(workflow(`inputs:
  maybe: File?
  flag: boolean
  msg: string
outputs:
  o: {type: File, outputSource: s2/out}
steps:
  s1:
    run: cat.cwl
    in: {f: maybe}
    out: [out]
  s2:
    run: echo.cwl
    when: $(inputs.flag)
    in: {x: msg, flag: flag, extra: msg}
    out: [out]
`));
  assert.equal(r.error, undefined);
  const file = `${r.dir}/wf.cwl`;
  assert.deepEqual(r.warnings, [
    `${file}:18:10: step 's1' input 'f': source 'maybe' of type File? may be incompatible with sink 'f' of type File`,
    `${file}:23:30: step 's2' input 'extra' is not an input of the step's process: its value is not passed on`,
    `${file}:14:3: output 'o': source 's2/out' is from a conditional step and may produce null`,
  ]);
});

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
