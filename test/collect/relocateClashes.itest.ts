import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

test('a later in-place step that swaps a file of an earlier output Directory for a link to a host file: refused, nothing copied', async () => {
  const dir = await scratch({
    'host-secret.txt': 'host only\n',
    'wf.cwl': `cwlVersion: v1.2
class: Workflow
inputs: {target: string}
outputs:
  d: {type: Directory, outputSource: make/d}
steps:
  make:
    in: {}
    out: [d]
    run:
      class: CommandLineTool
      inputs: {}
      baseCommand: [sh, -c, 'mkdir d && echo made > d/f']
      outputs: {d: {type: Directory, outputBinding: {glob: d}}}
  tamper:
    in: {d: make/d, target: target}
    out: []
    run:
      class: CommandLineTool
      requirements:
        InplaceUpdateRequirement: {inplaceUpdate: true}
        InitialWorkDirRequirement: {listing: [{entry: $(inputs.d), writable: true}]}
      inputs: {d: Directory, target: string}
      arguments: [sh, -c, 'rm d/f && ln -s "$0" d/f', $(inputs.target)]
      outputs: {}
`,
  });
  const outdir = path.join(dir, 'out');
  const r = await runCli(['--quiet', '--copy-outputs', '--outdir', outdir, path.join(dir, 'wf.cwl'), '--target', path.join(dir, 'host-secret.txt')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR wf\.cwl: output 'd': symlink .*\/d\/f \(it resolves to .*host-secret\.txt\) is outside the run's job directories and its inputs; it is not taken into --outdir$/m);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('ERROR')).length, 1);
  const copied = await readFile(path.join(outdir, 'd', 'f'), 'utf8').catch(() => undefined);
  assert.equal(copied, undefined, 'the host file was not copied into --outdir');
});
