import type { CwlType, CwlVersion, InputParameter, RecordType } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { describeType, matchesType, matchType, shortEnumSymbols, type MatchedType } from '../model/typeMatch.js';
import { ValidationError } from '../errors.js';

/**
 * `cwl:requirements` in a job object came with CWL v1.1: under a v1.0
 * document it is refused, as cwltool refuses it, naming the way out.
 */
export function checkJobRequirements(version: CwlVersion, requirements: readonly unknown[], where: string): void {
  if (version === 'v1.0' && requirements.length > 0) {
    throw new ValidationError(`${where}: cwl:requirements in the job object is not part of CWL v1.0; use --overrides, or set the document's cwlVersion to v1.1 or later`);
  }
}

/**
 * Fills defaults and checks every input of a job object against its declared
 * type; the first mismatch is reported naming the input.
 */
export function completeJobObject(
  inputs: readonly InputParameter[], job: Readonly<Record<string, unknown>>, where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const param of inputs) {
    let value = job[param.id];
    if (value === undefined || (value === null && param.default !== undefined && !matchesType(param.type, null))) {
      value = param.default;
    }
    if (value === undefined) value = null;
    const matched = checkInput(param.id, param.type, value, where);
    out[param.id] = shortEnumSymbols(matched, value);
  }
  return out;
}

/** The type `value` matched, or a ValidationError naming the input. */
export function checkInput(name: string, type: CwlType, value: unknown, where: string): MatchedType {
  const matched = matchType(type, value);
  if (matched !== undefined) return matched;
  if (value === null) {
    throw new ValidationError(`${where}: missing required input '${name}' (type ${describeType(type)})`);
  }
  throw new ValidationError(`${where}: input '${name}': expected ${describeType(type)}, got ${preview(value)}${explainMismatch(type, value)}`);
}

function explainMismatch(type: CwlType, value: unknown): string {
  const record = (Array.isArray(type) ? type : [type]).find((t): t is RecordType => isPlainObject(t) && t.type === 'record');
  if (record && isPlainObject(value)) {
    const bad = record.fields.find((f) => !matchesType(f.type, value[f.name]));
    if (bad) return ` (field '${bad.name}' should be ${describeType(bad.type)})`;
  }
  return '';
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
