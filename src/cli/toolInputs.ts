import type { CwlType, InputParameter } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { toUri } from '../load/uri.js';
import { describeType } from '../validate/jobObject.js';

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
    if (!token.startsWith('--')) throw new ValidationError(`unexpected argument '${token}' (tool inputs are given as --name value)`);
    let name = token.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { inline = name.slice(eq + 1); name = name.slice(0, eq); }
    const param = byName.get(name) ?? byName.get(name.replace(/-/g, '_'));
    if (!param) {
      throw new ValidationError(`unknown tool input '--${name}'; the tool's inputs are: ${inputs.map((p) => `--${p.id}`).join(', ') || '(none)'}`);
    }
    const type = nonNull(param.type);
    if (type === 'boolean') {
      job[param.id] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else {
      while (i + 1 < args.length && !(args[i + 1]!.startsWith('--') && values.length > 0)) {
        values.push(args[++i]!);
        if (!isArray(type)) break;
      }
    }
    if (values.length === 0) throw new ValidationError(`tool input '--${name}' needs a value`);
    if (isArray(type)) {
      const items = (type as { items: CwlType }).items;
      const prev = Array.isArray(job[param.id]) ? (job[param.id] as unknown[]) : [];
      job[param.id] = [...prev, ...values.map((v) => convert(v, items, name, cwd))];
    } else {
      job[param.id] = convert(values[0]!, type, name, cwd);
    }
  }
  return job;
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
      if (!Number.isInteger(n)) throw new ValidationError(`tool input '--${name}': expected an integer, got '${text}'`);
      return n;
    }
    case 'float': case 'double': {
      const n = Number(text);
      if (Number.isNaN(n)) throw new ValidationError(`tool input '--${name}': expected a number, got '${text}'`);
      return n;
    }
    case 'File': return { class: 'File', location: toUri(text, cwd) };
    case 'Directory': return { class: 'Directory', location: toUri(text, cwd) };
    case 'boolean': return text !== 'false';
    case 'string': case 'Any': return text;
    default:
      if (isPlainObject(t) && (t as { type?: unknown }).type === 'enum') return text;
      if (Array.isArray(t)) return text;
      throw new ValidationError(`tool input '--${name}' of type ${describeType(t)} cannot be given on the command line; use a job file`);
  }
}
