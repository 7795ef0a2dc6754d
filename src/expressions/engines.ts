import { ExpressionEngine } from '../expressions/index.js';
import type { RequirementSet } from '../model/requirements.js';

/**
 * One expression engine per distinct InlineJavascriptRequirement in a run, so
 * that each expressionLib is loaded into the sandbox once, not once per step.
 */
export class ExpressionEngines {
  readonly #engines = new Map<string, ExpressionEngine>();
  readonly #timeoutMs: number;
  readonly #residentMemoryMb: number | undefined;

  /** `residentMemoryMb`: how much one evaluation may grow the engine's resident memory (ExpressionEngineOptions). */
  constructor(timeoutMs = 10_000, residentMemoryMb?: number) {
    this.#timeoutMs = timeoutMs;
    this.#residentMemoryMb = residentMemoryMb;
  }

  for(requirements: RequirementSet): ExpressionEngine {
    const js = requirements.get('InlineJavascriptRequirement');
    const lib = js && Array.isArray(js.expressionLib) ? js.expressionLib.map(String) : [];
    const key = js ? `js:${lib.join('\u0000')}` : 'refs';
    let engine = this.#engines.get(key);
    if (!engine) {
      engine = new ExpressionEngine({
        javascript: js !== undefined, expressionLib: lib, timeoutMs: this.#timeoutMs,
        ...(this.#residentMemoryMb !== undefined ? { residentMemoryMb: this.#residentMemoryMb } : {}),
      });
      this.#engines.set(key, engine);
    }
    return engine;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#engines.values()].map((e) => e.close()));
    this.#engines.clear();
  }
}
