/**
 * SIGTERM/SIGINT from the first moment: a signal during start-up or loading
 * cancels like one during the run.
 *
 * The first signal aborts the run, which then stops its steps and cleans up
 * (pods and containers deleted, job directories removed) and ends with one
 * ERROR line. Cleanup that hangs (a step waiting in the kernel, a backend
 * that does not answer) cannot hold the engine: once the deadline passes,
 * the engine writes the line and ends itself by the signal. A second signal
 * ends the engine at once: after the first, the engine stops listening, so
 * the signal's default action ends the process whatever it is doing, even a
 * busy or stuck thread. Either way the exit status is what a shell or
 * Kubernetes reports for the signal (128 + its number).
 */
export interface Cancellation {
  readonly controller: AbortController;
  /** The signal that cancelled the run, if one did. */
  by: NodeJS.Signals | undefined;
  /** Set once there is a logger to say so. */
  onSignal?: (sig: NodeJS.Signals) => void;
  /** Writes the run's one `ERROR run cancelled by …` line, with `detail` after it; later calls write nothing. */
  reportCancelled(detail?: string): void;
  /** Stops listening for signals; a deadline already running still ends a run that does not. */
  dispose(): void;
}

/** How long a cancelled run may take to stop and clean up before the engine ends anyway. */
export const CANCEL_DEADLINE_MS = 10_000;

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

export function watchSignals(deadlineMs: number = CANCEL_DEADLINE_MS): Cancellation {
  let reported = false;
  const stopListening = (): void => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
  const cancel: Cancellation = {
    controller: new AbortController(),
    by: undefined,
    reportCancelled: (detail) => {
      if (reported || cancel.by === undefined) return;
      reported = true;
      process.stderr.write(`ERROR run cancelled by ${cancel.by}${detail ? `; ${detail}` : ''}\n`);
    },
    dispose: stopListening,
  };
  const handler = (sig: NodeJS.Signals): void => {
    // The next SIGTERM or SIGINT takes its default action: the process ends at once.
    stopListening();
    cancel.by = sig;
    const deadline = setTimeout(() => {
      cancel.reportCancelled(`the run did not stop within ${deadlineMs / 1000} s of the signal, so the engine ended it (a step container or pod may be left)`);
      endBy(sig);
    }, deadlineMs);
    // A run that ends in time exits as usual, without waiting for it.
    deadline.unref();
    cancel.onSignal?.(sig);
    cancel.controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return cancel;
}

/**
 * Ends the process by `sig`, its handlers gone. Not process.exit: exiting
 * waits for the thread pool, where a stuck open() (a FIFO) never returns.
 */
function endBy(sig: NodeJS.Signals): void {
  process.kill(process.pid, sig);
  // Only reached if the signal did not end the process (it is blocked or ignored).
  process.exit(signalExitCode(sig));
}

/** A run cancelled by a signal exits as a shell reports a process killed by it (128 + its number). */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[sig] ?? 15);
}
