import type { ArrayType, CwlType, EnumType, PrimitiveTypeName, RecordType } from './types.js';
import { isPlainObject } from './types.js';

/**
 * A value's type with every union resolved to the branch the value matched,
 * at every level. A walk over the value (binding it on the command line,
 * completing its Files, shortening its enum symbols) follows this instead of
 * asking at each level which branch it is: asking again would check a nested
 * value once for every union above it.
 */
export type MatchedType =
  | { readonly kind: 'primitive'; readonly type: PrimitiveTypeName }
  | { readonly kind: 'enum'; readonly type: EnumType }
  | { readonly kind: 'array'; readonly type: ArrayType; readonly items: readonly MatchedType[] }
  | { readonly kind: 'record'; readonly type: RecordType; readonly fields: ReadonlyMap<string, MatchedType> };

/** Leaves are shared: a check of a wide array of strings allocates no object per item. */
const PRIMITIVES = new Map<PrimitiveTypeName, MatchedType>(
  (['null', 'boolean', 'int', 'long', 'float', 'double', 'string', 'File', 'Directory', 'Any', 'stdout', 'stderr'] as const)
    .map((name) => [name, { kind: 'primitive', type: name }]),
);

/** The type `value` has under `type`, unions resolved (the first branch that matches wins); undefined when it is no instance of it. */
export function matchType(type: CwlType, value: unknown): MatchedType | undefined {
  if (typeof type === 'string') return matchesPrimitive(type, value) ? PRIMITIVES.get(type) : undefined;
  if (Array.isArray(type)) {
    for (const branch of type as readonly CwlType[]) {
      const matched = matchType(branch, value);
      if (matched !== undefined) return matched;
    }
    return undefined;
  }
  const t = type as ArrayType | RecordType | EnumType;
  switch (t.type) {
    case 'array': return matchArray(t, value);
    case 'enum': return typeof value === 'string' && t.symbols.includes(enumSymbol(value)) ? { kind: 'enum', type: t } : undefined;
    case 'record': return matchRecord(t, value);
  }
}

/** Whether `value` is an instance of `type` (no coercion). */
export function matchesType(type: CwlType, value: unknown): boolean {
  return matchType(type, value) !== undefined;
}

function matchesPrimitive(type: PrimitiveTypeName, value: unknown): boolean {
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

function matchArray(t: ArrayType, value: unknown): MatchedType | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: MatchedType[] = [];
  for (const item of value) {
    const matched = matchType(t.items, item);
    if (matched === undefined) return undefined;
    items.push(matched);
  }
  return { kind: 'array', type: t, items };
}

function matchRecord(t: RecordType, value: unknown): MatchedType | undefined {
  if (!isPlainObject(value)) return undefined;
  const fields = new Map<string, MatchedType>();
  for (const f of t.fields) {
    const matched = matchType(f.type, value[f.name]);
    if (matched === undefined) return undefined;
    fields.set(f.name, matched);
  }
  return { kind: 'record', type: t, fields };
}

/**
 * An enum value by its short name: symbols are identifiers, so
 * `https://example.org/schema.yml#Mode/fast` (as written by schemas
 * `$import`ed over http) is the symbol `fast` (CWL's identifier resolution).
 */
export function enumSymbol(value: string): string {
  const hash = value.indexOf('#');
  if (hash < 0) return pathSymbol(value);
  const fragment = value.slice(hash + 1);
  return fragment.slice(fragment.lastIndexOf('/') + 1);
}

/**
 * A symbol written as an absolute IRI without a fragment
 * (`http://www.opengis.net/def/crs/OGC/1.3/CRS84`) is named by its last path
 * segment (`CRS84`), as schema-salad's shortname has it; other values are kept.
 */
function pathSymbol(value: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) return value;
  const path = value.replace(/[?].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last === '' ? value : last;
}

/** `value` with every enum symbol given as a full IRI replaced by its short name (the value must match `type`). */
export function withShortEnumSymbols(type: CwlType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const matched = matchType(type, value);
  return matched === undefined ? value : shortEnumSymbols(matched, value);
}

/** The same, for a value whose type was matched already. */
export function shortEnumSymbols(matched: MatchedType, value: unknown): unknown {
  switch (matched.kind) {
    case 'primitive': return value;
    case 'enum': return enumSymbol(value as string);
    case 'array': return (value as readonly unknown[]).map((v, i) => shortEnumSymbols(matched.items[i]!, v));
    case 'record': {
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [name, field] of matched.fields) if (name in out) out[name] = shortEnumSymbols(field, out[name]);
      return out;
    }
  }
}

/** Output values are checked leniently for Any: cwltool lets an Any output be null. */
export function matchesOutputType(type: CwlType, value: unknown): boolean {
  return matchesType(type, value) || ((value === null || value === undefined) && mentionsAny(type));
}

function mentionsAny(type: CwlType): boolean {
  return type === 'Any' || (Array.isArray(type) && type.includes('Any'));
}

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
