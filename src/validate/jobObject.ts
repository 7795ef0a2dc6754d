import type { CwlType, CwlVersion, InputParameter, RecordType } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { shortName } from '../files/uri.js';

/** A short, readable rendering of a type for error messages. */
export function describeType(type: CwlType): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const parts = type.filter((t) => t !== 'null');
    const inner = parts.map(describeType).join(' | ');
    return type.includes('null') ? (parts.length === 1 ? `${inner}?` : `null | ${inner}`) : inner;
  }
  const t = type as Exclude<CwlType, string | readonly CwlType[]>;
  if (t.type === 'array') return `${describeType(t.items)}[]`;
  if (t.type === 'enum') return `enum(${t.symbols.join(', ')})`;
  return t.name ? `record ${t.name}` : 'record';
}

/** Whether `value` is an instance of `type` (no coercion). */
export function matchesType(type: CwlType, value: unknown): boolean {
  if (typeof type === 'string') {
    switch (type) {
      case 'null': return value === null || value === undefined;
      case 'Any': return value !== null && value !== undefined;
      case 'boolean': return typeof value === 'boolean';
      case 'int': case 'long': return typeof value === 'number' && Number.isInteger(value);
      case 'float': case 'double': return typeof value === 'number';
      case 'string': return typeof value === 'string';
      case 'File': case 'stdout': case 'stderr': return isPlainObject(value) && value.class === 'File';
      case 'Directory': return isPlainObject(value) && value.class === 'Directory';
      default: return false;
    }
  }
  if (Array.isArray(type)) return type.some((t) => matchesType(t, value));
  const t = type as Exclude<CwlType, string | readonly CwlType[]>;
  switch (t.type) {
    case 'array': return Array.isArray(value) && value.every((v) => matchesType(t.items, v));
    case 'enum': return typeof value === 'string' && t.symbols.includes(enumSymbol(value));
    case 'record': return isPlainObject(value) && t.fields.every((f) => matchesType(f.type, value[f.name]));
  }
}

/**
 * An enum value by its short name: symbols are identifiers, so
 * `https://example.org/schema.yml#Mode/fast` (as written by schemas
 * `$import`ed over http) is the symbol `fast` (CWL's identifier resolution).
 */
export function enumSymbol(value: string): string {
  return value.includes('#') ? shortName(value) : value;
}

/** `value` with every enum symbol given as a full IRI replaced by its short name (the value must match `type`). */
export function withShortEnumSymbols(type: CwlType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof type === 'string') return value;
  if (Array.isArray(type)) {
    const branch = type.find((t) => t !== 'null' && matchesType(t, value));
    return branch === undefined ? value : withShortEnumSymbols(branch, value);
  }
  const t = type as Exclude<CwlType, string | readonly CwlType[]>;
  if (t.type === 'enum') return typeof value === 'string' ? enumSymbol(value) : value;
  if (t.type === 'array') return Array.isArray(value) ? value.map((v) => withShortEnumSymbols(t.items, v)) : value;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const f of t.fields) if (f.name in out) out[f.name] = withShortEnumSymbols(f.type, out[f.name]);
  return out;
}

/** Output values are checked leniently for Any: cwltool lets an Any output be null. */
export function matchesOutputType(type: CwlType, value: unknown): boolean {
  return matchesType(type, value) || ((value === null || value === undefined) && mentionsAny(type));
}

function mentionsAny(type: CwlType): boolean {
  return type === 'Any' || (Array.isArray(type) && type.includes('Any'));
}

/**
 * Fills defaults and checks every input of a job object against its declared
 * type; the first mismatch is reported naming the input.
 */
/**
 * `cwl:requirements` in a job object came with CWL v1.1: under a v1.0
 * document it is refused, as cwltool refuses it, naming the way out.
 */
export function checkJobRequirements(version: CwlVersion, requirements: readonly unknown[], where: string): void {
  if (version === 'v1.0' && requirements.length > 0) {
    throw new ValidationError(`${where}: cwl:requirements in the job object is not part of CWL v1.0; use --overrides, or set the document's cwlVersion to v1.1 or later`);
  }
}

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
    checkInput(param.id, param.type, value, where);
    out[param.id] = withShortEnumSymbols(param.type, value);
  }
  return out;
}

export function checkInput(name: string, type: CwlType, value: unknown, where: string): void {
  if (matchesType(type, value)) return;
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
