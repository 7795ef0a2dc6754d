/**
 * cwl.output.json is the output object (the spec, every version): keys it
 * has beyond the declared outputs are kept, as cwltool keeps them, and a
 * File among them passes the same checks as a declared output's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertContained, bench } from '../helpers/canary.js';

function tool(version: string, json: string): string {
  return [
    `cwlVersion: ${version}`,
    'class: CommandLineTool',
    `baseCommand: [sh, -c, ${JSON.stringify(`echo x > x.txt; printf '%s' '${json}' > cwl.output.json`)}]`,
    'inputs: []',
    'outputs: {a: int}',
  ].join('\n');
}

for (const version of ['v1.0', 'v1.1', 'v1.2']) {
  test(`${version}: keys of cwl.output.json that are not declared outputs are kept`, async () => {
    const b = await bench({});
    await writeFile(path.join(b.dir, 'doc.cwl'), tool(version, '{"a": 1, "extra": "kept", "file": {"class": "File", "path": "x.txt"}}'));
    const r = await b.run('doc.cwl');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out.a, 1);
    assert.equal(out.extra, 'kept');
    const file = out.file as { location: string; size: number; checksum: string };
    assert.equal(file.location, `file://${path.join(b.dir, 'out', 'x.txt')}`);
    assert.equal(file.size, 2);
    assert.match(file.checksum, /^sha1\$/);
  });
}

test('a File under an undeclared key of cwl.output.json cannot carry a host file out', async () => {
  const b = await bench({});
  await writeFile(path.join(b.dir, 'doc.cwl'), tool('v1.2', `{"a": 1, "leak": {"class": "File", "path": "${b.secret}"}}`));
  const r = await b.run('doc.cwl');
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /^ERROR doc\.cwl: output 'leak': File \S*secret\.txt is outside/m);
  assert.ok(!r.stdout.includes('not-for-your-eyes'));
  await assertContained(b.dir);
});
