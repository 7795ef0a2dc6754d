/**
 * The output object of a process that failed: a top-level workflow's gives
 * the outputs its finished steps could give, null for the rest; a
 * CommandLineTool's that exited with a failing code, what could be collected
 * (as cwltool prints after a permanent failure). It travels with the
 * failure's error, so the error keeps its own type and exit code: the
 * workflow around a failed step takes it as the step's partial outputs, and
 * the CLI (cli/runEnding.ts) relocates and prints the top level's.
 */
interface Recorded {
  /** The process (job or step name) whose outputs these are: the same error passes up through steps and scatters that are not it. */
  readonly owner: string;
  readonly outputs: Record<string, unknown>;
}

const partialOutputs = new WeakMap<object, Recorded>();

/** Records `owner`'s partial output object with the failure `error` (an error that is not an object carries none); the last record wins. */
export function recordPartialOutputs(error: unknown, outputs: Record<string, unknown>, owner: string): void {
  if (typeof error === 'object' && error !== null) partialOutputs.set(error, { owner, outputs });
}

/** The partial output object recorded with `error`, if any: the latest, or only `owner`'s when named. */
export function partialOutputsOf(error: unknown, owner?: string): Record<string, unknown> | undefined {
  const recorded = typeof error === 'object' && error !== null ? partialOutputs.get(error) : undefined;
  return recorded && (owner === undefined || recorded.owner === owner) ? recorded.outputs : undefined;
}
