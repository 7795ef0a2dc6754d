import { errorMessage } from '../errors.js';
import type { ScatterExpansion, ScatterJob } from '../plan/scatter.js';
import { applyElementEvent, decideElements, startScatter, type ScatterOutcome, type ScatterProgress } from '../plan/scatterProgress.js';
import type { RunContext } from './runContext.js';
import { drivePlanner } from './plannerDriver.js';

/** Runs one scatter element: its outputs, or null when `when` skipped it. */
export type ElementRunner = (job: ScatterJob, ctx: RunContext) => Promise<Record<string, unknown> | null>;

/**
 * Runs a step's scatter elements as `plan/scatterProgress` decides, and
 * returns their outputs by index (null for skipped ones). It settles only
 * when no element runs any more: on a failure under --on-error stop the
 * others are cancelled through their AbortSignal and awaited; under
 * continue they all run. Then the first failure is thrown.
 */
export async function runScatter(
  expansion: ScatterExpansion, runElement: ElementRunner, ctx: RunContext, name: string,
): Promise<readonly (Record<string, unknown> | null)[]> {
  const results = new Array<Record<string, unknown> | null>(expansion.count).fill(null);
  const scratch = ctx.scratch.withSpareTmpdirs();
  // A window of elements in flight, not all of them: a 10,000-way scatter
  // would otherwise hold 10,000 prepared jobs waiting for the resource pool.
  const window = ctx.tools.scatterWindow;
  let progress = startScatter(expansion.count);
  let elementCtx: RunContext | undefined; // one for all, made with the driver's signal
  // Scratch directories no element took are removed once none runs.
  const outcome = await drivePlanner<number, ScatterOutcome>(ctx.signal, {
    noteCancelled: (reason) => { if (!progress.cancelled) progress = applyElementEvent(progress, { kind: 'cancelled', reason }); },
    decide: () => decideElements(progress, window, ctx.onError),
    cancelling: () => {
      if (!progress.cancelled) ctx.logger.info(`${name}: cancelling ${progress.running} running scatter elements after a failure (--on-error stop)`);
      return progress.failure?.error;
    },
    start: (index, signal) => {
      progress = applyElementEvent(progress, { kind: 'started', index });
      // The step's own signal: cancelling its elements leaves the rest of the workflow to its planner.
      return runElement(expansion.element(index), (elementCtx ??= { ...ctx, signal, scratch })).then(
        (outputs) => {
          results[index] = outputs;
          progress = applyElementEvent(progress, outputs ? { kind: 'finished', index } : { kind: 'skipped', index });
        },
        (error: unknown) => { progress = applyElementEvent(progress, { kind: 'failed', index, error }); },
      );
    },
  }).finally(() => scratch.removeSpareTmpdirs());
  if (outcome.kind === 'failed') {
    reportFailedElements(progress, outcome, ctx, name);
    throw outcome.failure.error;
  }
  return results;
}

/** Under continue several elements may fail: how many is logged, the first error is the step's. */
function reportFailedElements(progress: ScatterProgress, outcome: Extract<ScatterOutcome, { kind: 'failed' }>, ctx: RunContext, name: string): void {
  if (progress.cancelled || ctx.onError !== 'continue' || progress.failed <= 1) return;
  ctx.logger.warn(`${name}: ${progress.failed} of ${progress.total} scatter elements failed; the first failure: ${errorMessage(outcome.failure.error)}`);
}
