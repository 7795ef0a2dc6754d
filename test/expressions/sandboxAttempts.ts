// The attempts of the sandbox escape tests: a marker file that only the
// engine's realm could write, code that tries to reach that realm from any
// value it is given, and the checks that an attempt failed and wrote nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpressionEngine, ExpressionError } from '../../src/expressions/index.js';

const directory = mkdtempSync(join(tmpdir(), 'bespin-escape-'));
export const marker = join(directory, 'escaped');
process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
export const context = { inputs: { x: 1, arr: [1, 2], marker }, self: { class: 'File' }, runtime: { outdir: '/out' } };

/**
 * Sandbox source of a function that, given any value, tries to reach the
 * realm it comes from and write the marker there. Within the sandbox's realm
 * it throws "ReferenceError: process is not defined".
 */
export const ESCAPE =
  'function (h) { var p = h.constructor.constructor("return process")();' +
  ' p.getBuiltinModule("node:fs").writeFileSync(' + JSON.stringify(marker) + ', "escaped"); return "escaped"; }';

/** The same with the engine's child_process, as in the reported escape (which ran `id`). */
export const ESCAPE_SPAWN =
  'function (e) { var p = e.constructor.constructor("return process")();' +
  ' p.getBuiltinModule("node:child_process").execFileSync("/bin/sh", ["-c", "id > ' + marker + '"]); }';

/** A sloppy function (made by Function) that tries ESCAPE on every caller up its stack. */
export const CALLER_WALK =
  'Function("escape", "var f = arguments.callee.caller, n = 0;' +
  ' while (f && n++ < 20) { try { escape(f); } catch (e) {} f = f.caller; } return 1;")';

/** Waits until anything the worker might still run for an attempt (host promise jobs) has run. */
export async function settle(engine: ExpressionEngine): Promise<void> {
  await engine.evaluate('$(1 + 1)', context).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

export async function assertFails(engine: ExpressionEngine, expression: string, pattern?: RegExp): Promise<void> {
  rmSync(marker, { force: true });
  let outcome: unknown;
  let rejected = false;
  try {
    outcome = await engine.evaluate(expression, context);
  } catch (error) {
    rejected = true;
    outcome = error;
  }
  await settle(engine);
  assert.equal(existsSync(marker), false, `${expression} reached the engine's realm`);
  assert.ok(rejected, `${expression} evaluated to ${JSON.stringify(outcome)} instead of failing`);
  assert.ok(outcome instanceof ExpressionError, `${expression}: expected ExpressionError, got ${String(outcome)}`);
  assert.equal(outcome.expression, expression);
  assert.ok(outcome.message.startsWith(`Expression failed: ${expression.slice(0, 150)}`), outcome.message);
  if (pattern !== undefined) assert.match(outcome.message, pattern, expression);
}

/** Tries every attempt (so that a failure lists all the attempts that got through). */
export async function assertEachFails(engine: ExpressionEngine, attempts: readonly string[], pattern?: RegExp): Promise<void> {
  const failures: string[] = [];
  for (const attempt of attempts) {
    try {
      await assertFails(engine, attempt, pattern);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${attempts.length} attempts were not refused`);
}
