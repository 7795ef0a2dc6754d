import { CORE_SCHEMA, NOT_RESOLVED, defineScalarTag, intCoreTag, type Schema } from 'js-yaml';
import { UnsupportedRequirementError } from '../errors.js';

/**
 * An integer written in a job object that a JavaScript number cannot hold
 * exactly (beyond ±2^53, such as 9007199254740993): cwltool (Python) keeps
 * it, bespin would silently change it, so it is refused instead.
 */
export class InexactInteger {
  constructor(readonly source: string, readonly rounded: number) {}
}

/** The largest integer every number up to which is exact. */
const EXACT_LIMIT = 2 ** 53;

/** Whether an integer literal (decimal, 0x hex, 0o octal; signed) reads as a number other than itself. */
export function isInexactInteger(source: string, value: number): boolean {
  if (!Number.isFinite(value) || Math.abs(value) < EXACT_LIMIT) return false;
  const negative = source.startsWith('-');
  try {
    const exact = BigInt(source.replace(/^[-+]/, '').replace(/_/g, ''));
    return (negative ? -exact : exact) !== BigInt(value);
  } catch {
    return false;
  }
}

/** YAML's `!!int` as the core schema reads it, an inexact one kept as its text. */
const markingIntTag = defineScalarTag<number | InexactInteger>('tag:yaml.org,2002:int', {
  implicit: intCoreTag.implicit,
  implicitFirstChars: intCoreTag.implicitFirstChars,
  resolve: (source, isExplicit, tagName) => {
    const value = intCoreTag.resolve(source, isExplicit, tagName);
    return value !== NOT_RESOLVED && isInexactInteger(source, value) ? new InexactInteger(source, value) : value;
  },
  identify: () => false,
});

/** The core schema with inexact integers marked. */
export const EXACT_INTEGER_SCHEMA: Schema = CORE_SCHEMA.withTags(markingIntTag);

/** A JSON.parse reviver marking inexact integers (their source text is at hand only here). */
export function markInexact(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && context?.source !== undefined && isInexactInteger(context.source, value)
    ? new InexactInteger(context.source, value) : value;
}

/** Only text with 16 digits in a row can hold an integer past 2^53 (nine quadrillion, 16 digits). */
export function mayHoldInexactIntegers(text: string): boolean {
  return /\d{16}/.test(text);
}

/**
 * The first inexact integer in a value, and where (`.a[2].b`). YAML aliases
 * share objects: each is looked into once, so 9^8 paths through eight
 * aliases cost nine objects, not 43 million visits.
 */
function findInexact(value: unknown, at: string, seen: Set<object>): { at: string; found: InexactInteger } | undefined {
  if (value instanceof InexactInteger) return { at, found: value };
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInexact(value[i], `${at}[${i}]`, seen);
      if (found) return found;
    }
  } else {
    for (const [key, v] of Object.entries(value)) {
      const found = findInexact(v, `${at}.${key}`, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** Refuses a job object holding an integer bespin cannot keep exact, naming the input: exit 33. */
export function refuseInexactIntegers(job: Record<string, unknown>, where: string): void {
  const seen = new Set<object>();
  for (const [input, value] of Object.entries(job)) {
    const found = findInexact(value, '', seen);
    if (found) throw inexactError(where, `input '${input}${found.at}'`, found.found);
  }
}

/** The error for an integer bespin would have to change: which input, and why it refuses rather than round. */
export function inexactError(where: string, what: string, integer: InexactInteger): UnsupportedRequirementError {
  return new UnsupportedRequirementError(
    `${where}: ${what}: ${integer.source} is an integer beyond ±2^53, which bespin cannot hold exactly; refusing it rather than run with ${BigInt(integer.rounded)}`,
  );
}
