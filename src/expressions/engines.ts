import { ExpressionEngine } from '../expressions/index.js';
import type { RequirementSet } from '../model/requirements.js';

/**
 * One expression engine per distinct InlineJavascriptRequirement in a run, so
 * that each expressionLib is loaded into the sandbox once, not once per step.
 */
export class ExpressionEngines {
  readonly #engines = new Map<string, ExpressionEngine>();
  readonly #timeoutMs: number;

  constructor(timeoutMs = 10_000) {
    this.#timeoutMs = timeoutMs;
  }

  for(requirements: RequirementSet): ExpressionEngine {
    const js = requirements.get('InlineJavascriptRequirement');
    const lib = js && Array.isArray(js.expressionLib) ? js.expressionLib.map(String) : [];
    const key = js ? `js:${lib.join('\u0000')}` : 'refs';
    let engine = this.#engines.get(key);
    if (!engine) {
      engine = new ExpressionEngine({ javascript: js !== undefined, expressionLib: lib, timeoutMs: this.#timeoutMs });
      this.#engines.set(key, engine);
    }
    return engine;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#engines.values()].map((e) => e.close()));
    this.#engines.clear();
  }
}
