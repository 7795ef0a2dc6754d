/**
 * Micro-benchmark of the JavaScript sandbox (not a test; run by hand):
 *   node dist/test/expressions/sandboxBench.js [count]
 * Evaluates `$(inputs.x + 1)` and `${return inputs.x * 2}` `count` times each
 * (default 10 000), once awaiting each evaluation in turn (latency of one
 * round trip) and once all at once (throughput, as in a wide scatter).
 */
import { ExpressionEngine } from '../../src/expressions/index.js';

const count = Number(process.argv[2] ?? 10_000);
const expressions = ['$(inputs.x + 1)', '${return inputs.x * 2}'];

async function measure(engine: ExpressionEngine, text: string, concurrent: boolean): Promise<number> {
  const started = performance.now();
  if (concurrent) {
    await Promise.all(
      Array.from({ length: count }, (_, i) => engine.evaluate(text, { inputs: { x: i }, self: null, runtime: {} })),
    );
  } else {
    for (let i = 0; i < count; i++) await engine.evaluate(text, { inputs: { x: i }, self: null, runtime: {} });
  }
  return performance.now() - started;
}

const engine = new ExpressionEngine({ javascript: true });
try {
  await engine.evaluate('$(1)', { inputs: {}, self: null, runtime: {} });
  for (const text of expressions) {
    for (const concurrent of [false, true]) {
      const ms = await measure(engine, text, concurrent);
      const mode = concurrent ? 'all at once' : 'one by one ';
      console.log(`${text.padEnd(24)} ${mode}: ${count} in ${ms.toFixed(0)} ms (${((ms * 1000) / count).toFixed(1)} µs each)`);
    }
  }
} finally {
  await engine.close();
}
