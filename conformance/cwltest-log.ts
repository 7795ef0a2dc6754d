/**
 * What cwltest's console log says about each test, by test number. cwltest
 * 2.7 prints `Test [N/T] id: doc` when it starts test N, and
 * `Test N failed: <command>` or `Test N timed out: <command>` on every
 * failure path. The numbers there are right even where its JUnit report is
 * not (see results.ts), so the harness uses the log as a second witness.
 */

export type LoggedFailure = 'failed' | 'timeout';

export interface CwltestLog {
  /** Test number → short name, from the `Test [N/T] id: doc` lines. */
  readonly started: ReadonlyMap<number, string>;
  /** Test number → how it failed. */
  readonly failures: ReadonlyMap<number, LoggedFailure>;
  /** The closing `P tests passed, F failures, U unsupported features` line, if any. */
  readonly tally?: { readonly passed: number; readonly failed: number; readonly unsupported: number };
}

export function parseCwltestLog(text: string): CwltestLog {
  const started = new Map<number, string>();
  const failures = new Map<number, LoggedFailure>();
  let tally: CwltestLog['tally'];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const start = /^Test \[(\d+)\/\d+\] (\S+): /.exec(line);
    if (start !== null) {
      started.set(Number(start[1]), start[2]!);
      continue;
    }
    const failure = /^Test (\d+) (failed|timed out): /.exec(line);
    if (failure !== null) {
      const n = Number(failure[1]);
      if (failure[2] === 'timed out' || failures.get(n) !== 'timeout') {
        failures.set(n, failure[2] === 'timed out' ? 'timeout' : 'failed');
      }
      continue;
    }
    const counts = /^(\d+) tests passed(?:, (\d+) failures)?(?:, (\d+) unsupported features)?\s*$/.exec(line);
    if (counts !== null) {
      tally = { passed: Number(counts[1]), failed: Number(counts[2] ?? 0), unsupported: Number(counts[3] ?? 0) };
    }
  }
  return tally === undefined ? { started, failures } : { started, failures, tally };
}
