// A tool's uncaptured output reaches the engine's log line by line, naming its step, on the host backends as on pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';
import { ToolOutputLines } from '../../src/backends/toolOutput.js';

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
