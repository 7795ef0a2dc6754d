/**
 * SIGTERM/SIGINT from the first moment: a signal during start-up or loading
 * cancels like one during the run.
 *
 * The first signal aborts the run, which then stops its steps and cleans up
 * (pods and containers deleted, job directories removed) and ends with one
 * ERROR line. Cleanup that hangs (a step waiting in the kernel, a backend
 * that does not answer) cannot hold the engine: once the deadline passes,
 * the engine writes the line and ends itself by the signal, from a timer of
 * its own thread or, should that thread be busy, from a watchdog thread a
 * moment later. A second signal ends the engine at once: after the first,
 * the engine stops listening, so the signal's default action ends the
 * process whatever it is doing, even a busy or stuck thread. Either way the
 * exit status is what a shell or Kubernetes reports for the signal (128 +
 * its number).
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

/** How long after the deadline the watchdog thread acts, when the engine's own timer could not. */
const WATCHDOG_GRACE_MS = 1000;

export function watchSignals(deadlineMs: number = CANCEL_DEADLINE_MS): Cancellation {
  // 1 once the line is written, by this thread or the watchdog's.
  const reported = new Int32Array(new SharedArrayBuffer(4));
  const stopListening = (): void => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
  const cancel: Cancellation = {
    controller: new AbortController(),
    by: undefined,
    reportCancelled: (detail) => {
      if (cancel.by === undefined || Atomics.compareExchange(reported, 0, 0, 1) !== 0) return;
      process.stderr.write(cancelledLine(cancel.by, detail));
    },
    dispose: stopListening,
  };
  const handler = (sig: NodeJS.Signals): void => {
    // The next SIGTERM or SIGINT takes its default action: the process ends at once.
    stopListening();
    cancel.by = sig;
    const detail = `the run did not stop within ${deadlineMs / 1000} s of the signal, so the engine ended it (a step container or pod may be left)`;
    const deadline = setTimeout(() => {
      cancel.reportCancelled(detail);
      endBy(sig);
    }, deadlineMs);
    // A run that ends in time exits as usual, without waiting for it.
    deadline.unref();
    startWatchdog({ reported, line: cancelledLine(sig, detail), sig, ms: deadlineMs + WATCHDOG_GRACE_MS });
    cancel.onSignal?.(sig);
    cancel.controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return cancel;
}

function cancelledLine(sig: NodeJS.Signals, detail: string | undefined): string {
  return `ERROR run cancelled by ${sig}${detail ? `; ${detail}` : ''}\n`;
}

interface WatchdogData {
  readonly reported: Int32Array;
  readonly line: string;
  readonly sig: NodeJS.Signals;
  readonly ms: number;
}

/**
 * The deadline, kept by a thread of its own: a timer of the engine's thread
 * cannot fire while that thread is busy. Writes the line unless it was
 * written, and ends the process by the signal (its handlers are gone).
 */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
setTimeout(() => {
  if (Atomics.compareExchange(workerData.reported, 0, 0, 1) === 0) require('node:fs').writeSync(2, workerData.line);
  process.kill(process.pid, workerData.sig);
}, workerData.ms);
`;

function startWatchdog(data: WatchdogData): void {
  try {
    // Taken here, not imported: only a cancelled run starts a worker (see sandbox.ts).
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    // No inherited flags: --input-type=module would make the code above a module, without require.
    new Worker(WATCHDOG, { eval: true, workerData: data, name: 'bespin-cancel-deadline', env: {}, execArgv: [], argv: [], stdout: false, stderr: false }).unref();
  } catch {
    // No thread to spare: the engine's own timer still keeps the deadline.
  }
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
