/**
 * What a job stages (links, copies, container mounts) passes the reading
 * gate: an InitialWorkDir entry that an expression made up to name the
 * engine's own files is refused with one line, on the local backend and in
 * Docker, and nothing of them reaches the tool or --outdir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertContained, bench } from '../helpers/canary.js';

const staging = (docker: string, writable: boolean): string => `cwlVersion: v1.2
class: CommandLineTool
requirements:
  InlineJavascriptRequirement: {}
${docker}  InitialWorkDirRequirement:
    listing:
      - entryname: environ
        writable: ${writable}
        entry: '\${ return {"class": "File", "location": "file:///proc/self/environ"}; }'
baseCommand: [cat, environ]
stdout: out.txt
inputs: []
outputs: {out: stdout}
`;

for (const [backend, docker] of [['local', ''], ['Docker', '  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}\n']] as const) {
  for (const writable of [false, true]) {
    test(`${backend}: an InitialWorkDir entry naming the engine's /proc/self/environ (${writable ? 'copied' : 'linked'}) is refused`, async () => {
      const b = await bench({});
      await writeFile(path.join(b.dir, 'doc.cwl'), staging(docker, writable));
      const r = await b.run('doc.cwl');
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /^ERROR doc\.cwl: staging \S*environ: source \/proc\/self\/environ \(it resolves to \/proc\/\d+\/environ\) is one of the engine's own files/m);
      assert.ok(!r.stdout.includes('PATH='), 'the engine\'s environment reached the output');
      await assertContained(b.dir);
    });
  }
}
