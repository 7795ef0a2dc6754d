import { PermanentFailure } from '../errors.js';

/**
 * The types a field's expression may give, checked before the result is
 * used: the spec allows only these, and a number turned into a string (a
 * `stdout: $(42)` writing a file named `42`) hides the tool's mistake.
 * A wrong type fails the step (cwltool: permanentFail, exit 1).
 */

/** What a value is, for an error message: `a number (42)`. */
export function describeResult(value: unknown): string {
  const kind = value === null || value === undefined ? 'null'
    : Array.isArray(value) ? 'an array'
      : typeof value === 'object' ? 'an object'
        : typeof value === 'number' ? 'a number'
          : typeof value === 'boolean' ? 'a boolean' : `a ${typeof value}`;
  if (kind === 'null') return 'null';
  const text = JSON.stringify(value) ?? String(value);
  return `${kind} (${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

function wrongType(where: string, field: string, expected: string, value: unknown): PermanentFailure {
  return new PermanentFailure(`${where}: the '${field}' expression must evaluate to ${expected}, but it gave ${describeResult(value)}`);
}

/** A string (stdout, stderr, an output's format). */
export function expectString(value: unknown, field: string, where: string): string {
  if (typeof value !== 'string') throw wrongType(where, field, 'a string', value);
  return value;
}

/** A string, or null for none (stdin). */
export function expectOptionalString(value: unknown, field: string, where: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw wrongType(where, field, 'a string or null', value);
  return value;
}

/** A string or an array of strings, as a list (glob: null gives none; an input's format). */
export function expectStrings(value: unknown, field: string, where: string, nullable: boolean): string[] {
  if (nullable && (value === null || value === undefined)) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw wrongType(where, field, 'a string or an array of strings', value);
}

/** A boolean, or null (secondaryFiles' required: null is not required, as in cwltool). */
export function expectOptionalBoolean(value: unknown, field: string, where: string): boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'boolean') throw wrongType(where, field, 'a boolean or null', value);
  return value;
}
