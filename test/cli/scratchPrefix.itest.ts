import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

test("the platform's --tmp-outdir-prefix /calrissian/tmpout/ makes job directories inside it, creating it when missing", async () => {
  const dir = await scratch({ 'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [echo, hello]
inputs: []
outputs: {out: stdout}
` });
  const tmpout = path.join(dir, 'tmpout');
  const r = await runCli(['--quiet', '--leave-outputs', '--tmp-outdir-prefix', `${tmpout}/`, '--tmpdir-prefix', `${tmpout}/`, path.join(dir, 'tool.cwl')]);
  assert.equal(r.code, 0, r.stderr);
  const out = (JSON.parse(r.stdout) as { out: { path: string } }).out.path;
  assert.equal(path.dirname(path.dirname(out)), tmpout, `the output lives in a job directory inside ${tmpout}: ${out}`);
  assert.deepEqual((await readdir(dir)).sort(), ['tmpout', 'tool.cwl'], 'nothing is made beside the prefix directory');
});
