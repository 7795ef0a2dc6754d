import { abortScope } from './abortScope.js';

/** One round of a pure planner's decision (plan/stepStates, plan/scatterProgress). */
export interface PlannerRound<T, O> {
  readonly start: readonly T[];
  /** Abort the running work (through its AbortSignal) and wait for it. */
  readonly cancel: boolean;
  /** Set once nothing runs and nothing more will start. */
  readonly outcome: O | undefined;
}

/** What the driver needs of a planner and of the I/O that carries out its decisions. */
export interface PlannerDriven<T, O> {
  /** Feeds the run's own cancellation to the planner, if it has not had it yet. */
  noteCancelled(reason: unknown): void;
  decide(): PlannerRound<T, O>;
  /** The first time the planner asks to cancel: logs why, and says what to abort with. */
  cancelling(): unknown;
  /** Marks `item` started and runs it under `signal`; settles once its ending has been fed back. */
  start(item: T, signal: AbortSignal): Promise<void>;
}

/**
 * The one loop under a workflow's steps and a step's scatter elements: asks
 * the planner what to do, starts that, and asks again whenever something
 * ends, until the planner gives an outcome. The work runs under a signal of
 * its own (cancelling it leaves the run around it alone), which is unlinked
 * from the run's once the outcome is in.
 */
export async function drivePlanner<T, O>(runSignal: AbortSignal, driven: PlannerDriven<T, O>): Promise<O> {
  const cancel = abortScope(runSignal);
  const settled = new Promise<O>((resolve, reject) => {
    const advance = (): void => {
      try {
        if (runSignal.aborted) driven.noteCancelled(runSignal.reason);
        const round = driven.decide();
        if (round.cancel && !cancel.signal.aborted) cancel.abort(driven.cancelling());
        for (const item of round.start) void driven.start(item, cancel.signal).finally(advance);
        if (round.outcome !== undefined) resolve(round.outcome);
      } catch (error) {
        reject(error);
      }
    };
    advance();
  });
  return settled.finally(() => cancel.dispose());
}
