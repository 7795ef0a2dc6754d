/**
 * Timing in tests as an order of events, never a window of wall time: a
 * limit the code under test keeps with a timer of this thread is compared
 * with timers the test starts beside it. A loaded machine delays them all
 * alike, so their order stands where a bound in ms would not.
 */

/** Which of the timers started now (delays in ms) fired before `work` settled. */
export function timersFiredBefore(work: Promise<unknown>, delaysMs: readonly number[]): Promise<boolean[]> {
  const fired = delaysMs.map(() => false);
  const timers = delaysMs.map((ms, i) => setTimeout(() => { fired[i] = true; }, ms));
  const seen = (): boolean[] => {
    for (const timer of timers) clearTimeout(timer);
    return [...fired];
  };
  return work.then(seen, seen);
}
