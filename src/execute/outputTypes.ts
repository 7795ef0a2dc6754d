import type { OutputParameter } from '../model/types.js';
import type { Logger } from '../logger.js';
import { checkOutputValue } from '../validate/outputValue.js';

/** How output objects are checked: --strict refuses what cwltool tolerates; otherwise it is a warning. */
export interface OutputLeniency {
  readonly strict: boolean;
  readonly logger: Logger;
}

/**
 * A process's output object checked against its declared types (leniently
 * unless --strict). Undeclared keys are kept unchecked: only cwl.output.json
 * gives them, and the spec makes that file the output object (cwltool keeps
 * them too); a workflow step passes on only its declared `out`.
 */
export function checkedOutputs(
  params: readonly OutputParameter[], outputs: Readonly<Record<string, unknown>>, name: string, leniency: OutputLeniency,
): Record<string, unknown> {
  const check = { strict: leniency.strict, warn: (message: string) => leniency.logger.warn(message) };
  const checked: Record<string, unknown> = { ...outputs };
  for (const p of params) checked[p.id] = checkOutputValue(p.type, outputs[p.id] ?? null, `${name}: output '${p.id}'`, check);
  return checked;
}
