/**
 * SIGTERM/SIGINT from the first moment: a signal during start-up or loading
 * cancels like one during the run.
 */
export interface Cancellation {
  readonly controller: AbortController;
  /** The signal that cancelled the run, if one did. */
  by: NodeJS.Signals | undefined;
  /** Set once there is a logger to say so. */
  onSignal?: (sig: NodeJS.Signals) => void;
  dispose(): void;
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

export function watchSignals(): Cancellation {
  const cancel: Cancellation = {
    controller: new AbortController(),
    by: undefined,
    dispose: () => { process.removeListener('SIGINT', handler); process.removeListener('SIGTERM', handler); },
  };
  const handler = (sig: NodeJS.Signals): void => {
    cancel.by = sig;
    cancel.onSignal?.(sig);
    cancel.controller.abort();
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return cancel;
}

/** A run cancelled by a signal exits as a shell reports a process killed by it (128 + its number). */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[sig] ?? 15);
}
