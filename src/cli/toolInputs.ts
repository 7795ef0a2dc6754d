import type { CwlType, InputParameter, RecordType } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { UsageError } from '../errors.js';
import { toUri } from '../files/uri.js';
import { describeType } from '../model/typeMatch.js';
import { InexactInteger, inexactError, isInexactInteger } from '../load/exactIntegers.js';

/**
 * Tool inputs given on the command line after the document, as cwltool reads
 * them: `--name value`, `--flag` for booleans, repeated flags (or several
 * values) for arrays, files and directories as paths.
 */
export function parseToolInputs(args: readonly string[], inputs: readonly InputParameter[], cwd: string): Record<string, unknown> {
  const byName = new Map(inputs.map((p) => [p.id, p]));
  const job: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    // cwltool (argparse) names a one-letter input `-a`; bespin takes `--a` as well.
    const short = /^-[^-]$/.test(token);
    if (!token.startsWith('--') && !short) throw new UsageError(`unexpected argument '${token}' (tool inputs are given as --name value)`);
    let name = token.slice(short ? 1 : 2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { inline = name.slice(eq + 1); name = name.slice(0, eq); }
    const target = inputTarget(name, byName, inputs, job);
    const type = nonNull(target.type);
    if (type === 'boolean') {
      target.set(inline === undefined ? true : inline !== 'false');
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else {
      while (i + 1 < args.length && !(/^--?[^-]/.test(args[i + 1]!) && values.length > 0 && Number.isNaN(Number(args[i + 1])))) {
        values.push(args[++i]!);
        if (!isArray(type)) break;
      }
    }
    if (values.length === 0) throw new UsageError(`tool input '--${name}' needs a value`);
    if (isArray(type)) {
      const items = (type as { items: CwlType }).items;
      const prev = Array.isArray(target.current()) ? (target.current() as unknown[]) : [];
      target.set([...prev, ...values.map((v) => convert(v, items, name, cwd))]);
    } else {
      target.set(convert(values[0]!, type, name, cwd));
    }
  }
  return job;
}

/** Where a `--name` or `--record.field` value goes in the job object, and its type. */
interface InputTarget {
  readonly type: CwlType;
  current(): unknown;
  set(value: unknown): void;
}

function inputTarget(name: string, byName: ReadonlyMap<string, InputParameter>, inputs: readonly InputParameter[], job: Record<string, unknown>): InputTarget {
  const [head, ...fields] = name.split('.');
  const param = byName.get(name) ?? byName.get(name.replace(/-/g, '_')) ?? (fields.length > 0 ? byName.get(head!) : undefined);
  if (!param) {
    throw new UsageError(`unknown tool input '--${name}'; the tool's inputs are: ${commandLineNames(inputs).map((n) => `--${n}`).join(', ') || '(none)'}`);
  }
  if (byName.has(name) || byName.has(name.replace(/-/g, '_')) || fields.length === 0) {
    return { type: param.type, current: () => job[param.id], set: (v) => { job[param.id] = v; } };
  }
  // cwltool's `--rec.field value`: one field of a record input per flag.
  let record: Record<string, unknown> = isPlainObject(job[param.id]) ? job[param.id] as Record<string, unknown> : (job[param.id] = {}) as Record<string, unknown>;
  let type: CwlType = param.type;
  for (const [i, field] of fields.entries()) {
    const found = recordOf(type)?.fields.find((f) => f.name === field);
    if (!found) throw new UsageError(`unknown tool input '--${name}': '${fields.slice(0, i).reduce((n, f) => `${n}.${f}`, head!)}' has no record field '${field}'`);
    type = found.type;
    if (i < fields.length - 1) record = isPlainObject(record[field]) ? record[field] as Record<string, unknown> : (record[field] = {}) as Record<string, unknown>;
  }
  const last = fields[fields.length - 1]!;
  const holder = record;
  return { type, current: () => holder[last], set: (v) => { holder[last] = v; } };
}

function recordOf(type: CwlType): RecordType | undefined {
  const t = nonNull(type);
  return isPlainObject(t) && (t as { type?: unknown }).type === 'record' ? t as RecordType : undefined;
}

/** Every input as it is named on the command line, records expanded to `rec.field` as cwltool does. */
export function commandLineNames(inputs: readonly { readonly id: string; readonly type: CwlType }[]): string[] {
  return inputs.flatMap((p) => {
    const record = recordOf(p.type);
    return record ? commandLineNames(record.fields.map((f) => ({ id: `${p.id}.${f.name}`, type: f.type }))) : [p.id];
  });
}

function nonNull(type: CwlType): CwlType {
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    return rest.length === 1 ? rest[0]! : rest;
  }
  return type;
}

function isArray(type: CwlType): boolean {
  return isPlainObject(type) && (type as { type?: unknown }).type === 'array';
}

function convert(text: string, type: CwlType, name: string, cwd: string): unknown {
  const t = nonNull(type);
  switch (t) {
    case 'int': case 'long': {
      const n = Number(text);
      if (!Number.isInteger(n)) throw new UsageError(`tool input '--${name}': expected an integer, got '${text}'`);
      if (isInexactInteger(text.trim(), n)) throw inexactError('command line', `tool input '--${name}'`, new InexactInteger(text.trim(), n));
      return n;
    }
    case 'float': case 'double': {
      const n = Number(text);
      if (Number.isNaN(n)) throw new UsageError(`tool input '--${name}': expected a number, got '${text}'`);
      return n;
    }
    case 'File': return { class: 'File', location: toUri(text, cwd) };
    case 'Directory': return { class: 'Directory', location: toUri(text, cwd) };
    case 'boolean': return text !== 'false';
    case 'string': case 'Any': return text;
    default:
      if (isPlainObject(t) && (t as { type?: unknown }).type === 'enum') return text;
      if (Array.isArray(t)) return text;
      throw new UsageError(`tool input '--${name}' of type ${describeType(t)} cannot be given on the command line; use a job file`);
  }
}
