import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { textLine } from '../../src/logger.js';

/** What pino writes for one call: the JSON record textLine reads. */
function records(log: (logger: pino.Logger) => void, level: pino.LevelWithSilent = 'debug'): string[] {
  const lines: string[] = [];
  const logger = pino({ level, base: undefined, timestamp: () => ',"time":"2026-12-07T22:50:04.123Z"' }, { write: (line: string) => { lines.push(line); } });
  log(logger);
  return lines;
}

const plain = { timestamps: false, color: false };

test("a step's line names its job as cwltool's does, without the top document's name", () => {
  const lines = records((l) => {
    l.info({ step: 'wf.cwl/s1', backend: 'host' }, '[wf.cwl/s1] echo hi');
    l.info({ step: 'wf.cwl/sub/inner[2]' }, '[wf.cwl/sub/inner[2]] to stderr');
    l.info({ step: 'tool.cwl' }, '[tool.cwl] echo hi');
    l.info({ step: 'wf.cwl/s1' }, 'a line that does not start with its step');
  });
  assert.deepEqual(lines.map((r) => textLine(r, plain)), [
    'INFO [job s1] echo hi\n',
    'INFO [job sub/inner[2]] to stderr\n',
    'INFO [job tool.cwl] echo hi\n',
    'INFO a line that does not start with its step\n',
  ]);
});

test("levels are cwltool's words; a multi-line message stays as it is, and an error's stack follows it", () => {
  const lines = records((l) => {
    l.debug('looking');
    l.warn('Final process status is permanentFail');
    l.error('wf.cwl: outputs:\n  a\n  b');
    l.debug({ err: new Error('boom') }, 'internal error');
  });
  const text = lines.map((r) => textLine(r, plain));
  assert.deepEqual(text.slice(0, 3), ['DEBUG looking\n', 'WARNING Final process status is permanentFail\n', 'ERROR wf.cwl: outputs:\n  a\n  b\n']);
  assert.match(text[3]!, /^DEBUG internal error\nError: boom\n {4}at /);
});

test('--timestamps puts the time first, as cwltool; on a terminal the level word is coloured and a warning too', () => {
  const [line] = records((l) => l.warn('careful'));
  const expectedTime = new Date('2026-12-07T22:50:04.123Z');
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${expectedTime.getFullYear()}-${two(expectedTime.getMonth() + 1)}-${two(expectedTime.getDate())} ${two(expectedTime.getHours())}:${two(expectedTime.getMinutes())}:${two(expectedTime.getSeconds())}`;
  assert.equal(textLine(line!, { timestamps: true, color: false }), `[${stamp}] WARNING careful\n`);
  assert.equal(textLine(line!, { timestamps: false, color: true }), '\x1b[1;30mWARNING\x1b[0m \x1b[33mcareful\x1b[0m\n');
});
