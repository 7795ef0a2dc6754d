/** A format ontology that cannot be read is a warning naming it (as cwltool warns), and the run goes on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

test('an unreadable $schemas ontology is named in a warning; the run still succeeds', async () => {
  const dir = await scratch({
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
$namespaces: {edam: 'http://edamontology.org/'}
$schemas: [missing-edam.owl]
baseCommand: [echo, hi]
inputs: []
outputs: []
`,
  });
  const r = await runCli(['--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cannot read the format ontology file:\/\/.*\/missing-edam\.owl \(\$schemas\): .*no such file; formats are compared without it/);
});

test('a $schemas ontology that never ends (/dev/zero) is refused by the reading gate without being read, then warned about', { timeout: 60_000 }, async () => {
  const dir = await scratch({
    'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
$schemas: [/dev/zero]
baseCommand: [echo, hi]
inputs: []
outputs: []
`,
  });
  const r = await runCli(['--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl')], { env: { ...process.env, BESPIN_MAX_DOCUMENT_BYTES: '1Mi' }, timeoutMs: 50_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cannot read the format ontology file:\/\/\/dev\/zero \(\$schemas\): the document \/dev\/zero is a character device; only regular files and directories are read; formats are compared without it/);
});
