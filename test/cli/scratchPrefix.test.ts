import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { scratchPrefix } from '../../src/cli/options.js';
import { runCli, scratch } from '../helpers/cli.js';

test('a scratch prefix keeps a trailing slash: it names the directory to make job directories in', () => {
  assert.equal(scratchPrefix('/calrissian/tmpout/', '/tmp/x-'), '/calrissian/tmpout/');
  assert.equal(scratchPrefix('/calrissian/tmpout//', '/tmp/x-'), '/calrissian/tmpout/');
  assert.equal(scratchPrefix('/calrissian/tmpout/run-', '/tmp/x-'), '/calrissian/tmpout/run-');
  assert.equal(scratchPrefix(undefined, '/tmp/bespin-out-'), '/tmp/bespin-out-');
  assert.equal(scratchPrefix('rel/dir/', '/tmp/x-'), `${path.resolve('rel/dir')}/`);
  assert.equal(scratchPrefix('/', '/tmp/x-'), '/');
});

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
