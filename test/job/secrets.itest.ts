import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
$namespaces: {cwltool: 'http://commonwl.org/cwltool#'}
hints:
  cwltool:Secrets: {secrets: [pw]}
inputs:
  user: {type: string, inputBinding: {position: 1}}
  pw: {type: string, inputBinding: {position: 2, prefix: --password}}
baseCommand: [sh, -c, 'exit 0']
outputs: {}
`;

const WORKFLOW = `cwlVersion: v1.2
class: Workflow
$namespaces: {cwltool: 'http://commonwl.org/cwltool#'}
hints:
  cwltool:Secrets: {secrets: ['#main/token']}
inputs: {token: string}
outputs: {}
steps:
  login:
    in: {key: token}
    out: []
    run:
      class: CommandLineTool
      inputs: {key: {type: string, inputBinding: {prefix: --key}}}
      baseCommand: [sh, -c, 'exit 0']
      outputs: {}
`;

test("a cwltool:Secrets input's value never appears in the logged command line", async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'wf.cwl': WORKFLOW });
  const r = await runCli(['--debug', path.join(dir, 'tool.cwl'), '--user', 'alice', '--pw', 'hunter2-s3cret']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /alice --password \(secret\)/, 'the command line is logged, the secret masked');
  assert.doesNotMatch(r.stderr + r.stdout, /hunter2-s3cret/);
  const w = await runCli(['--debug', path.join(dir, 'wf.cwl'), '--token', 'tok-9f8e7d']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stderr, /--key \(secret\)/);
  assert.doesNotMatch(w.stderr + w.stdout, /tok-9f8e7d/);
});
