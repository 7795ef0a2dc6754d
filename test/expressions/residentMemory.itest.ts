/**
 * Memory an expression holds outside the V8 heap and ArrayBuffers (ICU's
 * objects behind `Intl`) is bounded by the engine's resident memory: past the
 * limit the worker is ended, the evaluation fails, and later ones get a fresh
 * worker (issue 19).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, scratch } from '../helpers/cli.js';

/** About 16 KiB of ICU memory per formatter, almost nothing on the V8 heap: 1.6 GiB in all. */
const INTL_BOMB = "${ var a=[]; for (var i=0;i<100000;i++) a.push(new Intl.DateTimeFormat('en',{timeZone:'UTC'})); return a.length; }";

test('a run whose ExpressionTool grows resident memory past BESPIN_EXPRESSION_MAX_RSS fails with one ERROR line naming the step', { timeout: 120_000 }, async () => {
  const dir = await scratch({
    'intl.cwl': `cwlVersion: v1.2
class: ExpressionTool
requirements: {InlineJavascriptRequirement: {}}
inputs: []
outputs: {n: int}
expression: |
  ${INTL_BOMB.replace('return a.length;', 'return {n: a.length};')}
`,
  });
  const r = await runCli(['--outdir', path.join(dir, 'out'), path.join(dir, 'intl.cwl')], { env: { ...process.env, BESPIN_EXPRESSION_MAX_RSS: '256Mi' }, timeoutMs: 100_000 });
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
  assert.equal(r.code, 1, r.stderr);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /intl\.cwl.*Expression failed: .*Intl\.DateTimeFormat.*grew the engine's resident memory by more than the 256 MiB limit \(BESPIN_EXPRESSION_MAX_RSS\)/);
});
