import type { CwlType } from '../model/types.js';
import { PermanentFailure } from '../errors.js';
import { describeType, matchesOutputType, matchType, shortEnumSymbols } from '../model/typeMatch.js';

/** How an output that only cwltool's leniency would accept is treated. */
export interface OutputLeniency {
  /** --strict: refuse it. */
  readonly strict: boolean;
  readonly warn: (message: string) => void;
}

/**
 * Checks an output value against its declared type and returns it with enum
 * symbols by their short names. `null` items in an array (`[a, null]` for
 * `File[]`) are outside the type, but cwltool 3.3 accepts them and published
 * workflows depend on it: accepted with a warning, refused under --strict.
 */
export function checkOutputValue(type: CwlType, value: unknown, where: string, leniency: OutputLeniency): unknown {
  const matched = matchType(type, value);
  if (matched !== undefined) return shortEnumSymbols(matched, value);
  if (matchesOutputType(type, value)) return value;
  if (hasNullItems(value) && matchesOutputType(type, withoutNullItems(value))) {
    if (leniency.strict) {
      throw new PermanentFailure(`${where} should be ${describeType(type)}, got an array with null items (refused under --strict; cwltool accepts them)`);
    }
    leniency.warn(`${where}: null items in an array of type ${describeType(type)}; accepted as cwltool does (--strict refuses them)`);
    return value;
  }
  throw new PermanentFailure(`${where} should be ${describeType(type)}, got ${JSON.stringify(value)?.slice(0, 200)}`);
}

function hasNullItems(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  return value.some((v) => v === null || hasNullItems(v));
}

function withoutNullItems(value: unknown): unknown {
  return Array.isArray(value) ? value.filter((v) => v !== null).map(withoutNullItems) : value;
}
