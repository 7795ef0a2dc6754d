// A tool's uncaptured output reaches the engine's log line by line, naming its step, on the host backends as on pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch } from '../helpers/cli.js';

test('through the CLI on a host process: each line the tool writes to stderr or to an uncaptured stdout is one record naming the step', async () => {
  const dir = await scratch({
    'talk.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'printf "to stderr 1\\nto stderr 2\\n" >&2; echo "to stdout"']
inputs: []
outputs: []
`,
  });
  // --quiet quiets the engine, not the tools (cwltool shows a tool's stderr whatever its log level).
  const result = await runCli(['--quiet', '--log-format', 'json', '--no-container', '--outdir', `${dir}/out`, `${dir}/talk.cwl`], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {});
  const records = result.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { step?: string; msg: string });
  // A top-level tool's step is named after its document.
  const toolLines = records.filter((r) => r.step === 'talk.cwl' && /^\[talk\.cwl\] to /.test(r.msg)).map((r) => r.msg).sort();
  assert.deepEqual(toolLines, ['[talk.cwl] to stderr 1', '[talk.cwl] to stderr 2', '[talk.cwl] to stdout']);
  assert.ok(!records.some((r) => r.msg.startsWith('[talk.cwl] sh -c')), 'the engine\'s own info lines stay quiet');
});
