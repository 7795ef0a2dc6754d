import type {
  CwlType, RecordField, SecondaryFileSchema, LoadListing, CommandLineBinding, OutputBinding,
} from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { enumSymbol } from '../model/typeMatch.js';
import { ValidationError } from '../errors.js';
import { shortName } from '../files/uri.js';
import { liftLoadContents } from './upgrade.js';

const PRIMITIVES = new Set([
  'null', 'boolean', 'int', 'long', 'float', 'double', 'string', 'File', 'Directory', 'Any', 'stdout', 'stderr',
]);

/** Named types from SchemaDefRequirement, looked up by short name. */
export type SchemaDefs = ReadonlyMap<string, unknown>;

export interface TypeContext {
  readonly schemaDefs: SchemaDefs;
  readonly namespaces: Readonly<Record<string, string>>;
  /** Where the type was written, for error messages. */
  readonly where: string;
}

/** Normalizes a type as written (`File[]?`, map-form fields, `#Name` references) into a CwlType. */
export function normalizeType(raw: unknown, ctx: TypeContext, seen: ReadonlySet<string> = new Set()): CwlType {
  if (typeof raw === 'string') return normalizeTypeName(raw, ctx, seen);
  if (Array.isArray(raw)) return raw.map((t) => normalizeType(t, ctx, seen));
  if (!isPlainObject(raw)) throw new ValidationError(`${ctx.where}: invalid type ${JSON.stringify(raw)}`);
  const type = raw.type;
  switch (type) {
    case 'array':
      return {
        type: 'array',
        items: normalizeType(raw.items, ctx, seen),
        ...(raw.inputBinding ? { inputBinding: raw.inputBinding as CommandLineBinding } : {}),
        ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
      };
    case 'enum':
      return {
        type: 'enum',
        symbols: (Array.isArray(raw.symbols) ? raw.symbols : []).map((s) => enumSymbol(String(s))),
        ...(typeof raw.name === 'string' ? { name: shortName(raw.name) } : {}),
        ...(raw.inputBinding ? { inputBinding: raw.inputBinding as CommandLineBinding } : {}),
      };
    case 'record':
      return {
        type: 'record',
        fields: normalizeFields(raw.fields, ctx, seen),
        ...(typeof raw.name === 'string' ? { name: shortName(raw.name) } : {}),
        ...(raw.inputBinding ? { inputBinding: raw.inputBinding as CommandLineBinding } : {}),
      };
    default:
      if (typeof type === 'string' || Array.isArray(type)) return normalizeType(type, ctx, seen);
      throw new ValidationError(`${ctx.where}: invalid type ${JSON.stringify(raw)}`);
  }
}

function normalizeTypeName(name: string, ctx: TypeContext, seen: ReadonlySet<string>): CwlType {
  // CWL's type DSL (schema-salad, v1.0 to v1.2) is one name, then at most one `[]`, then at most one `?`:
  // `string[][]` and `string?[]` name no type, and cwltool refuses them so.
  const dsl = /^([^[?]+)(\[\])?(\?)?$/.exec(name);
  if (!dsl) throw new ValidationError(`${ctx.where}: unknown type '${name}' (a type name takes at most one '[]' then one '?'; nest arrays with {type: array, items: ...})`);
  if (dsl[3]) return ['null', normalizeTypeName(name.slice(0, -1), ctx, seen)];
  if (dsl[2]) return { type: 'array', items: normalizeTypeName(name.slice(0, -2), ctx, seen) };
  if (name === 'stdin') return 'File';
  if (PRIMITIVES.has(name)) return name as CwlType;
  const xsd = /^(?:xsd:|http:\/\/www\.w3\.org\/2001\/XMLSchema#)(.*)$/.exec(name);
  if (xsd && PRIMITIVES.has(xsd[1]!)) return xsd[1] as CwlType;
  const cwlPrefixed = /^(?:cwl:|https:\/\/w3id\.org\/cwl\/cwl#)(.*)$/.exec(name);
  if (cwlPrefixed && PRIMITIVES.has(cwlPrefixed[1]!)) return cwlPrefixed[1] as CwlType;
  const key = shortName(name);
  const def = ctx.schemaDefs.get(key);
  if (def === undefined) throw new ValidationError(`${ctx.where}: unknown type '${name}'`);
  if (seen.has(key)) throw new ValidationError(`${ctx.where}: recursive type '${name}'`);
  return normalizeType(def, ctx, new Set([...seen, key]));
}

function normalizeFields(raw: unknown, ctx: TypeContext, seen: ReadonlySet<string>): RecordField[] {
  const list = mapToList(raw, 'name', 'type').map(liftLoadContents);
  return list.map((f) => {
    const name = shortName(String(f.name));
    const where = `${ctx.where} field '${name}'`;
    return {
      ...f,
      name,
      type: normalizeType(f.type, { ...ctx, where }, seen),
      ...(f.secondaryFiles !== undefined ? { secondaryFiles: normalizeSecondaryFiles(f.secondaryFiles) } : {}),
      ...(f.format !== undefined ? { format: expandFormat(f.format, ctx.namespaces) } : {}),
    } as RecordField;
  });
}

/**
 * Expands the map forms of schema-salad (`{a: {...}}` or `{a: "File"}`) into
 * a list of objects that carry their key in `keyField`.
 */
export function mapToList(raw: unknown, keyField: string, predicate?: string): Record<string, unknown>[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) {
    return raw.map((item) => (isPlainObject(item) ? item : { [keyField]: item }));
  }
  if (isPlainObject(raw)) {
    return Object.entries(raw).map(([key, value]) => {
      if (isPlainObject(value)) return { [keyField]: key, ...value };
      if (predicate) return { [keyField]: key, [predicate]: value };
      return { [keyField]: key };
    });
  }
  throw new ValidationError(`expected a list or a map, got ${JSON.stringify(raw)}`);
}

export function normalizeSecondaryFiles(raw: unknown): SecondaryFileSchema[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item) => {
    if (typeof item === 'string') {
      // A trailing `?` marks the pattern optional (v1.1+ shorthand).
      return item.endsWith('?') ? { pattern: item.slice(0, -1), required: false } : { pattern: item };
    }
    if (isPlainObject(item) && typeof item.pattern === 'string') {
      return { pattern: item.pattern, ...(item.required !== undefined ? { required: item.required as boolean | string } : {}) };
    }
    throw new ValidationError(`invalid secondaryFiles entry ${JSON.stringify(item)}`);
  });
}

/** `edam:format_1930` → `http://edamontology.org/format_1930` using `$namespaces`. */
export function expandFormat(raw: unknown, namespaces: Readonly<Record<string, string>>): string | string[] {
  const expand = (f: string): string => {
    if (f.includes('$(') || f.includes('${')) return f;
    const colon = f.indexOf(':');
    if (colon > 0) {
      const prefix = f.slice(0, colon);
      const ns = namespaces[prefix];
      if (ns !== undefined) return ns + f.slice(colon + 1);
    }
    return f;
  };
  return Array.isArray(raw) ? raw.map((f) => expand(String(f))) : expand(String(raw));
}

export function isLoadListing(value: unknown): value is LoadListing {
  return value === 'no_listing' || value === 'shallow_listing' || value === 'deep_listing';
}

export type { OutputBinding };
