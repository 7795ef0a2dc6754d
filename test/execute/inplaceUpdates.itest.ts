/**
 * InplaceUpdateRequirement: two steps updating the same input in place is an
 * error (the spec; cwltool refuses the second with exit 1); a step taking the
 * file from the updating step's output may update it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const APPEND = `cwlVersion: v1.2
class: CommandLineTool
requirements:
  InplaceUpdateRequirement: {inplaceUpdate: true}
  InitialWorkDirRequirement:
    listing: [{entry: $(inputs.rf), writable: true}]
inputs:
  rf: File
  tag: string
baseCommand: [sh, -c]
arguments: ['echo $(inputs.tag) >> $(inputs.rf.basename)']
outputs:
  out: {type: File, outputBinding: {glob: $(inputs.rf.basename)}}
`;

function workflow(secondSource: string): string {
  return `cwlVersion: v1.2
class: Workflow
requirements: {InplaceUpdateRequirement: {inplaceUpdate: true}}
inputs: {rf: File}
outputs: {o: {type: File, outputSource: s2/out}}
steps:
  s1: {run: append.cwl, in: {rf: rf, tag: {default: one}}, out: [out]}
  s2: {run: append.cwl, in: {rf: ${secondSource}, tag: {default: two}}, out: [out]}
`;
}

async function run(secondSource: string): Promise<{ code: number | null; stdout: string; stderr: string; dir: string }> {
  const dir = await scratch({ 'append.cwl': APPEND, 'wf.cwl': workflow(secondSource), 'r.txt': 'start\n' });
  const r = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'wf.cwl'), '--rf', path.join(dir, 'r.txt')]);
  return { ...r, dir };
}

test('two steps updating the same workflow input in place: the second is refused', async () => {
  const r = await run('rf');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR \S*s[12]: wants to update \S*\/r\.txt in place(, but| while) step \S*s[12] /m);
  // The refused step never touched the file (the other may have run, or been stopped by the failure first).
  assert.match(await readFile(path.join(r.dir, 'r.txt'), 'utf8'), /^start\n((one|two)\n)?$/);
});

test('a step updating in place the file the previous step updated, taken from its output, runs', async () => {
  const r = await run('s1/out');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { o: { path: string } };
  assert.equal(await readFile(out.o.path, 'utf8'), 'start\none\ntwo\n');
});
