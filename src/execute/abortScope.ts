/**
 * An AbortController for work inside a larger run (a workflow's steps, a
 * step's scatter elements): aborted when the run's signal aborts, or on its
 * own to cancel just that work. `dispose` unlinks it from the run's signal
 * once the work has settled, so a long run does not collect one listener per
 * nested workflow.
 */
export interface AbortScope {
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  dispose(): void;
}

export function abortScope(outer: AbortSignal): AbortScope {
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => outer.removeEventListener('abort', onOuterAbort),
  };
}
