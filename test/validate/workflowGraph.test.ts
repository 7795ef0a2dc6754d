/**
 * The workflow graph is checked once after loading, as cwltool's
 * static_checker: each refusal below is a document cwltool refuses at load
 * (the cases it allows are in workflowGraphAllowed.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workflow, refused } from './graphDocuments.js';

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
