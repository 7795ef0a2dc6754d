/**
 * The workflow graph check allows what cwltool's static_checker allows, some
 * with a warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workflow, check, refused, allowed } from './graphDocuments.js';

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
  grid: {type: {type: array, items: 'File[]'}, outputSource: s2/out}
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
