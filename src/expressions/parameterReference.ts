/**
 * CWL parameter references (concepts.md "Parameter references"): the subset of
 * JavaScript `symbol ( .symbol | ['str'] | ["str"] | [index] )*` that is
 * evaluated in the main thread without a sandbox.
 *
 * Resolution follows JavaScript semantics so that results are identical
 * whether or not InlineJavascriptRequirement is present (the spec requires
 * this): a missing key yields null (JS `undefined`, converted to null),
 * reading any key of null/undefined is a TypeError, `.length` of an array or
 * string is its length, an index out of range yields null. Anything the
 * grammar cannot decide exactly (an unknown root symbol such as a literal or
 * an expressionLib global, or a key inherited from a prototype such as
 * `.map`) is left to the JavaScript sandbox when it is available.
 */

export interface ParameterReference {
  readonly root: string;
  readonly keys: readonly string[];
}

export interface ReferenceContext {
  readonly inputs: unknown;
  readonly self: unknown;
  readonly runtime: unknown;
}

/** The reference cannot be resolved without JavaScript; `reason` says why. */
export class NeedsJavascript {
  constructor(readonly reason: string) {}
}

/** Resolution failed the way JavaScript would fail; `reason` is "TypeError: ...". */
export class ReferenceFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const SYMBOL = String.raw`[\p{L}\p{N}_]+`;
const SEGMENT = String.raw`\.${SYMBOL}|\['(?:[^'\\]|\\.)*'\]|\["(?:[^"\\]|\\.)*"\]|\[[0-9]+\]`;
const REFERENCE = new RegExp(String.raw`^\s*(${SYMBOL})((?:${SEGMENT})*)\s*$`, 'u');
const SEGMENTS = new RegExp(SEGMENT, 'gu');
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Parses the code inside `$(...)`. Returns null when it is not a parameter
 * reference (then it is a JavaScript expression).
 */
export function parseParameterReference(code: string): ParameterReference | null {
  const match = REFERENCE.exec(code);
  if (match === null) return null;
  const root = match[1]!;
  const keys: string[] = [];
  for (const segment of match[2]!.matchAll(SEGMENTS)) {
    const text = segment[0];
    if (text.startsWith('.')) keys.push(text.slice(1));
    else if (text[1] === "'" || text[1] === '"') keys.push(text.slice(2, -2).replace(/\\(.)/gu, '$1'));
    else keys.push(String(Number(text.slice(1, -1))));
  }
  return { root, keys };
}

function rootValue(ref: ParameterReference, context: ReferenceContext): unknown {
  switch (ref.root) {
    case 'inputs':
      return context.inputs;
    case 'self':
      return context.self;
    case 'runtime':
      return context.runtime;
    default:
      return NOT_FOUND;
  }
}

const NOT_FOUND: unique symbol = Symbol('notFound');

function describeKey(key: string): string {
  return `'${key}'`;
}

/**
 * Resolves a parsed reference against the context without copying anything.
 * Returns the referenced value (undefined is converted to null) or a
 * NeedsJavascript marker; throws ReferenceFailure like JavaScript would.
 */
export function resolveParameterReference(
  ref: ParameterReference,
  context: ReferenceContext,
  /** Without InlineJavascriptRequirement a missing key is an error, as in cwltool. */
  strict = false,
): unknown {
  if (ref.root === 'null') {
    if (ref.keys.length === 0) return null;
    throw new ReferenceFailure(
      `TypeError: Cannot read properties of null (reading ${describeKey(ref.keys[0]!)})`,
    );
  }
  let current = rootValue(ref, context);
  if (current === NOT_FOUND) {
    return new NeedsJavascript(`ReferenceError: ${ref.root} is not defined`);
  }
  for (const key of ref.keys) {
    if (current === null || current === undefined) {
      const what = current === null ? 'null' : 'undefined';
      throw new ReferenceFailure(
        `TypeError: Cannot read properties of ${what} (reading ${describeKey(key)})`,
      );
    }
    const next = lookup(current, key);
    if (next instanceof NeedsJavascript) return next;
    if (next === undefined && strict) {
      throw new ReferenceFailure(`${describeKey(key)} is not a field of ${Array.isArray(current) ? 'the list' : typeof current === 'object' ? 'the object' : `the ${typeof current} ${JSON.stringify(current)}`}`);
    }
    current = next;
  }
  return current === undefined ? null : current;
}

function lookup(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    if (key === 'length') return value.length;
    if (ARRAY_INDEX.test(key)) {
      const index = Number(key);
      return index < value.length ? value[index] : undefined;
    }
  } else if (typeof value === 'string') {
    if (key === 'length') return value.length;
    if (ARRAY_INDEX.test(key)) {
      const index = Number(key);
      return index < value.length ? value[index] : undefined;
    }
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Object.hasOwn(record, key)) return record[key];
  }
  // Not an own property: absent (undefined) unless a prototype provides it,
  // in which case only JavaScript gives the exact answer (usually a function,
  // which is then rejected as not JSON-like).
  if (key in Object(value)) {
    return new NeedsJavascript(`${describeKey(key)} is not a data property`);
  }
  return undefined;
}
