/** The sandbox's worker and the life of the process that owns it: a Node process of its own. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

test('the sandbox lets the process exit while its worker is idle, and stays alive while it works', { timeout: 90_000 }, async () => {
  const index = new URL('../../src/expressions/index.js', import.meta.url).href;
  const script = `
    import { ExpressionEngine } from ${JSON.stringify(index)};
    const engine = new ExpressionEngine({ javascript: true });
    const value = await engine.evaluate(
      '\${ var t = Date.now(); while (Date.now() - t < 300) {} return inputs.x * 2; }',
      { inputs: { x: 21 }, self: null, runtime: {} });
    console.log('result', value);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Only against a hang: an idle worker that kept the process alive would keep it for ever.
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  // Alive until the evaluation answered (its result printed), then ended by itself.
  assert.equal(code, 0, output);
  assert.equal(output.trim(), 'result 42');
});
