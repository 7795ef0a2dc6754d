/**
 * Step pods are isolated from each other on the claims (issue 19), on
 * whichever cluster BESPIN_TEST_CLUSTER names: a hostile step that searches
 * its pod's file system finds neither an earlier step's output (which it was
 * not given) nor another run's files, and what a step is given it can read
 * but not change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { withKubernetesRun as withCluster } from '../../helpers/kubernetesRun.js';

const IMAGE = 'docker.io/debian:stable-slim';

// `hostile` is given only a string from `make`, so that it runs after it.
const WORKFLOW = `cwlVersion: v1.2
class: Workflow
requirements: {StepInputExpressionRequirement: {}}
inputs:
  notes: File
  claim: string
outputs:
  first: {type: File, outputSource: make/first}
  report: {type: File, outputSource: hostile/report}
  used: {type: File, outputSource: use/used}
steps:
  make:
    in: {}
    out: [first, dir, token]
    run:
      class: CommandLineTool
      requirements: {DockerRequirement: {dockerPull: ${IMAGE}}}
      baseCommand: [sh, -c, 'echo original > first.txt; echo index > first.txt.idx; mkdir d; echo inside > d/in.txt']
      inputs: []
      outputs:
        first: {type: File, secondaryFiles: [.idx], outputBinding: {glob: first.txt}}
        dir: {type: Directory, outputBinding: {glob: d}}
        token: {type: string, outputBinding: {outputEval: ready}}
  hostile:
    in: {token: make/token, claim: claim}
    out: [report]
    run:
      class: CommandLineTool
      requirements: {DockerRequirement: {dockerPull: ${IMAGE}}}
      inputs: {token: string, claim: string}
      baseCommand: [sh, -c]
      arguments:
        - |
          exec > report.txt 2>&1
          for f in \`find / -name first.txt -not -path '/proc/*' 2>/dev/null\`; do echo "found $f"; echo TAMPERED > "$f" && echo "overwrote $f"; done
          for f in \`find / -name secret.txt -not -path '/proc/*' 2>/dev/null\`; do echo "read $f:"; cat "$f"; done
          echo "claim holds: \`ls -A "$0" | tr '\\n' ' '\`"
          echo planted > "$0/planted.txt"
          true
        - $(inputs.claim)
      outputs: {report: {type: File, outputBinding: {glob: report.txt}}}
  use:
    in: {f: make/first, d: make/dir, notes: notes}
    out: [used]
    run:
      class: CommandLineTool
      requirements: {DockerRequirement: {dockerPull: ${IMAGE}}}
      inputs: {f: {type: File, secondaryFiles: [.idx]}, d: Directory, notes: File}
      baseCommand: [sh, -c]
      arguments:
        - cat "$0" "$0.idx" "$1/in.txt" "$2" > used.txt; for f in "$0" "$1/in.txt" "$2"; do (echo changed > "$f") 2>/dev/null && echo "changed $f" >> used.txt; done; true
        - $(inputs.f.path)
        - $(inputs.d.path)
        - $(inputs.notes.path)
      outputs: {used: {type: File, outputBinding: {glob: used.txt}}}
`;

interface Outputs { first: { path: string }; report: { path: string }; used: { path: string } }

const mountsOf = (pod: V1Pod): { path: string; subPath?: string; readOnly: boolean }[] =>
  (pod.spec?.containers[0]?.volumeMounts ?? []).filter((m) => m.name !== 'tmpdir').map((m) => ({ path: m.mountPath, ...(m.subPath ? { subPath: m.subPath } : {}), readOnly: m.readOnly === true }));
const envOf = (pod: V1Pod, name: string): string | undefined => pod.spec?.containers[0]?.env?.find((e) => e.name === name)?.value;

test("a later step given nothing of an earlier step's can neither find nor overwrite its output, nor read another run's files", { timeout: 300_000 }, async () => {
  await withCluster(async ({ input, tmpout, run }) => {
    // Another run's job directory on the same claim, as a flat Calrissian run and as a bespin run leave them.
    for (const dir of ['calrissian-job', 'run-other/job']) {
      await mkdir(path.join(tmpout, dir), { recursive: true });
      await writeFile(path.join(tmpout, dir, 'secret.txt'), 'another run\n');
      await writeFile(path.join(tmpout, dir, 'first.txt'), 'another run\n');
    }
    await writeFile(path.join(input, 'notes.txt'), 'notes\n');
    await writeFile(path.join(input, 'wf.cwl'), WORKFLOW);
    const r = await run([path.join(input, 'wf.cwl'), '--notes', path.join(input, 'notes.txt'), '--claim', tmpout]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Outputs;
    const report = await readFile(out.report.path, 'utf8');
    assert.equal(await readFile(out.first.path, 'utf8'), 'original\n', `the first step's output was changed; the hostile step said:\n${report}`);
    assert.doesNotMatch(report, /found|overwrote|read |another run/, report);
    assert.match(report, /^claim holds: (run-[^ ]+ )?$/m, 'the claim shows nothing but the way to the run directory');
    assert.equal(await readFile(out.used.path, 'utf8'), 'original\nindex\ninside\nnotes\n', 'inputs are read, never changed');
    for (const dir of ['calrissian-job', 'run-other/job']) {
      assert.equal(await readFile(path.join(tmpout, dir, 'first.txt'), 'utf8'), 'another run\n');
    }
    assert.deepEqual((await readdir(tmpout)).filter((f) => f === 'planted.txt'), [], 'nothing written on the claim outside its own directories');

    // The pods as created: the hostile step mounts its output directory and tmpdir, nothing else.
    const pods = new Map(r.record.pods.map((p) => [p.metadata?.labels?.['bespin.io/step'] ?? '', p]));
    const hostile = [...pods].find(([k]) => k.endsWith('hostile'))![1];
    assert.deepEqual(mountsOf(hostile).map((m) => [m.path, m.readOnly]).sort(), [
      [hostile.spec!.containers[0]!.workingDir!, false], [envOf(hostile, 'TMPDIR')!, false],
    ].sort());
    assert.equal(hostile.spec?.volumes?.length, 1, 'one volume: the tmpout claim');
    const use = [...pods].find(([k]) => k.endsWith('use'))![1];
    const own = new Set([use.spec!.containers[0]!.workingDir!, envOf(use, 'TMPDIR')!]);
    for (const m of mountsOf(use)) {
      assert.ok(m.subPath, `${m.path} is a whole claim`);
      assert.equal(m.readOnly, !own.has(m.path), `${m.path}: only the step's own directories are writable`);
      assert.ok(m.path.startsWith(tmpout + '/run-') || m.path === path.join(input, 'notes.txt'), `${m.path} is not the step's`);
    }
    // (a real API server leaves out readOnly: false)
    assert.deepEqual(use.spec?.volumes?.map((v) => [v.persistentVolumeClaim?.claimName, v.persistentVolumeClaim?.readOnly === true]).sort(),
      [['calrissian-input-data', true], ['calrissian-tmpout', false]]);
  });
});

const FAN_IN = `cwlVersion: v1.2
class: Workflow
inputs: {}
outputs:
  all: {type: File, outputSource: gather/all}
steps:
  make:
    in: {}
    out: [parts]
    run:
      class: CommandLineTool
      requirements: {DockerRequirement: {dockerPull: ${IMAGE}}}
      baseCommand: [sh, -c, 'for i in \`seq 130\`; do echo $i > part$i.txt; done']
      inputs: []
      outputs: {parts: {type: 'File[]', outputBinding: {glob: 'part*.txt'}}}
  gather:
    in: {parts: make/parts}
    out: [all]
    run:
      class: CommandLineTool
      requirements: {DockerRequirement: {dockerPull: ${IMAGE}}}
      inputs: {parts: {type: 'File[]', inputBinding: {position: 1}}}
      baseCommand: [sh, -c, 'cat "$@" | wc -l > all.txt; (echo changed > "$1") 2>/dev/null && echo changed >> all.txt; find / -name secret.txt -not -path "/proc/*" >> all.txt 2>/dev/null; true', sh]
      outputs: {all: {type: File, outputBinding: {glob: all.txt}}}
`;

test("past 128 mounts a pod mounts the run's own directory read-only instead, says so, and still sees no other run's files", { timeout: 300_000 }, async () => {
  await withCluster(async ({ input, tmpout, run }) => {
    await mkdir(path.join(tmpout, 'run-other'), { recursive: true });
    await writeFile(path.join(tmpout, 'run-other', 'secret.txt'), 'another run\n');
    await writeFile(path.join(input, 'fanin.cwl'), FAN_IN);
    const r = await run([path.join(input, 'fanin.cwl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile((JSON.parse(r.stdout) as { all: { path: string } }).all.path, 'utf8'), '130\n', 'every part read, none changed, no secret found');
    const warned = r.stderr.split('\n').filter((l) => /mounts are more than 128/.test(l));
    assert.equal(warned.length, 1, r.stderr);
    assert.match(warned[0]!, /gather: 133 mounts are more than 128: the pod mounts the run's directory \S+\/run-\w+ read-only instead of each input in it/);
    const gather = r.record.pods.find((p) => p.metadata?.labels?.['bespin.io/step']?.endsWith('gather'))!;
    const mounts = mountsOf(gather);
    assert.equal(mounts.length, 3, JSON.stringify(mounts));
    const runDir = mounts.find((m) => m.readOnly)!;
    assert.match(runDir.path, new RegExp(`^${tmpout}/run-\\w+$`), 'the run\'s own directory, never the claim');
    assert.deepEqual(mounts.filter((m) => !m.readOnly).map((m) => path.dirname(m.path)), [runDir.path, runDir.path], 'its own directories, inside');
  });
});

// The engine's own reads of what a step made go through the reading gate:
// a symlink a step made must never make the engine read a file of its own.
const ROUTES: Record<string, string> = {
  'loadContents of a symlink to an engine-only file': `outputs:
  out: {type: string, outputBinding: {glob: link, loadContents: true, outputEval: '$(self[0].contents)'}}`,
  'loadContents of a symlink to /proc/self/environ': `outputs:
  out: {type: string, outputBinding: {glob: environ, loadContents: true, outputEval: '$(self[0].contents)'}}`,
  'a File output that is the symlink, relocated to --outdir': `outputs:
  out: {type: File, outputBinding: {glob: link}}`,
  'a Directory output holding the symlink, with its listing': `outputs:
  out: {type: Directory, outputBinding: {glob: d, loadListing: deep_listing}}`,
};

for (const [route, outputs] of Object.entries(ROUTES)) {
  test(`a step's symlink cannot make the engine read its own files: ${route}`, { timeout: 180_000 }, async () => {
    await withCluster(async ({ input, tmpout, run }) => {
      const engineOnly = path.join(path.dirname(tmpout), 'engine-only');
      await writeFile(engineOnly, 'token: engine-secret-token\n');
      await writeFile(path.join(input, 'links.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: ${IMAGE}}, InlineJavascriptRequirement: {}}
baseCommand: [sh, -c, 'ln -s "$0" link; ln -s /proc/self/environ environ; mkdir d; ln -s "$0" d/link']
arguments: [${engineOnly}]
inputs: []
${outputs}
`);
      const r = await run([path.join(input, 'links.cwl')], { env: { BESPIN_TEST_SECRET: 'engine-secret-token' } });
      assert.equal(r.record.podsCreated, 1, r.stderr);
      // Refused by the reading gate (src/files/), one line naming the output.
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stderr.split('\n').filter((l) => /^ERROR links\.cwl: output 'out': /.test(l)).length, 1, r.stderr);
      assert.doesNotMatch(r.stdout, /engine-secret-token/, 'in the output object');
      const outdir = path.join(tmpout, 'final');
      for (const f of await readdir(outdir, { recursive: true }).catch(() => [])) {
        const text = await readFile(path.join(outdir, f), 'utf8').catch(() => '');
        assert.doesNotMatch(text, /engine-secret-token/, `copied to --outdir: ${f}`);
      }
    });
  });
}
