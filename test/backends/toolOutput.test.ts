// A tool's uncaptured output reaches the engine's log line by line, naming its step, on the host backends as on pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';
import { ToolOutputLines } from '../../src/backends/toolOutput.js';
import { runCli, scratch } from '../helpers/cli.js';

function recorder(): { logger: Logger; records: { step?: string; msg: string }[] } {
  const records: { step?: string; msg: string }[] = [];
  const logger = pino({ base: undefined }, { write: (line: string) => { records.push(JSON.parse(line) as { step?: string; msg: string }); } });
  return { logger, records };
}

test('lines split across chunks, a character split across chunks and an unterminated last line each make whole records', () => {
  const { logger, records } = recorder();
  const lines = new ToolOutputLines(logger, 'count');
  const text = Buffer.from('first line\nsecond ñ line\r\nlast');
  const split = text.indexOf(Buffer.from('ñ')) + 1; // inside the two bytes of ñ
  lines.write(text.subarray(0, 4));
  lines.write(text.subarray(4, split));
  lines.write(text.subarray(split));
  assert.deepEqual(records.map((r) => r.msg), ['[count] first line', '[count] second ñ line']);
  lines.end();
  assert.deepEqual(records.map((r) => [r.step, r.msg]), [['count', '[count] first line'], ['count', '[count] second ñ line'], ['count', '[count] last']]);
});

test('a line that never ends (a progress bar redrawn with \\r) is logged in bounded pieces, not held whole', () => {
  const { logger, records } = recorder();
  const lines = new ToolOutputLines(logger, 'bar');
  for (let i = 0; i < 5000; i++) lines.write(Buffer.from(`\r${String(i % 100).padStart(3)}% [${'#'.repeat(i % 50).padEnd(50)}]`));
  assert.ok(records.length >= 15, `${records.length} records for 300 KB without a newline`);
  assert.ok(records.every((r) => r.msg.length <= '[bar] '.length + 16_384));
  lines.end();
  assert.equal(records.map((r) => r.msg.slice('[bar] '.length)).join('').length, 5000 * 58);
});

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
  const result = await runCli(['--quiet', '--no-container', '--outdir', `${dir}/out`, `${dir}/talk.cwl`], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {});
  const records = result.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { step?: string; msg: string });
  // A top-level tool's step is named after its document.
  const toolLines = records.filter((r) => r.step === 'talk.cwl' && /^\[talk\.cwl\] to /.test(r.msg)).map((r) => r.msg).sort();
  assert.deepEqual(toolLines, ['[talk.cwl] to stderr 1', '[talk.cwl] to stderr 2', '[talk.cwl] to stdout']);
  assert.ok(!records.some((r) => r.msg.startsWith('[talk.cwl] sh -c')), 'the engine\'s own info lines stay quiet');
});
