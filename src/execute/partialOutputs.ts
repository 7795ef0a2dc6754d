/**
 * The output object of a top-level workflow that failed: the outputs its
 * finished steps could give, null for the rest (as cwltool prints after a
 * permanent failure). It travels with the failure's error, so the error keeps
 * its own type and exit code, and the CLI (cli/runEnding.ts) relocates and
 * prints it.
 */
const partialOutputs = new WeakMap<object, Record<string, unknown>>();

/** Records the partial output object of the failure `error` (an error that is not an object carries none). */
export function recordPartialOutputs(error: unknown, outputs: Record<string, unknown>): void {
  if (typeof error === 'object' && error !== null) partialOutputs.set(error, outputs);
}

/** The partial output object recorded with `error`, if any. */
export function partialOutputsOf(error: unknown): Record<string, unknown> | undefined {
  return typeof error === 'object' && error !== null ? partialOutputs.get(error) : undefined;
}
