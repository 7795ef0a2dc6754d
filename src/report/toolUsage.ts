import type { CwlType, Process, RecordType } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { describeType } from '../model/typeMatch.js';

/** One command-line input: `rec.field` for record fields, as cwltool names them. */
interface UsageEntry {
  readonly name: string;
  readonly type: CwlType;
  readonly optional: boolean;
  readonly doc?: string;
}

/**
 * `tool.cwl --help`: the usage line and each input with its doc and type,
 * the content cwltool prints (argparse's layout is not copied).
 */
export function toolUsage(process: Process, documentName: string): string {
  const entries = usageEntries(process.inputs);
  const synopsis = entries.map((e) => {
    const word = e.type === 'boolean' || isNonNull(e.type, 'boolean') ? `--${e.name}` : `--${e.name} ${e.name.toUpperCase()}`;
    return e.optional ? `[${word}]` : word;
  });
  const lines = [`usage: ${documentName} [-h] ${synopsis.join(' ')} [job_order]`.replace(/ +/g, ' '), ''];
  const description = docText(process.doc) ?? process.label;
  if (description) lines.push(description, '');
  lines.push('positional arguments:', '  job_order             Job input json file', '', 'options:', '  -h, --help            show this help message and exit');
  for (const e of entries) {
    const about = [e.doc, `(${describeType(e.type)}${e.optional ? ', optional' : ''})`].filter(Boolean).join(' ');
    const flag = `  --${e.name}`;
    lines.push(flag.length < 24 ? `${flag.padEnd(24)}${about}` : `${flag}\n${' '.repeat(24)}${about}`);
  }
  return `${lines.join('\n')}\n`;
}

function usageEntries(inputs: readonly { readonly id: string; readonly type: CwlType; readonly doc?: string | readonly string[]; readonly default?: unknown }[], prefix = ''): UsageEntry[] {
  return inputs.flatMap((p) => {
    const name = `${prefix}${p.id}`;
    const record = recordOf(p.type);
    if (record) return usageEntries(record.fields.map((f) => ({ id: f.name, type: f.type, ...('doc' in f && typeof f.doc === 'string' ? { doc: f.doc } : {}) })), `${name}.`);
    const doc = docText(p.doc);
    return [{ name, type: p.type, optional: p.default !== undefined || isOptional(p.type), ...(doc ? { doc } : {}) }];
  });
}

function docText(doc: string | readonly string[] | undefined): string | undefined {
  return doc === undefined ? undefined : Array.isArray(doc) ? doc.join('\n') : String(doc);
}

function isOptional(type: CwlType): boolean {
  return Array.isArray(type) && type.includes('null');
}

function isNonNull(type: CwlType, name: string): boolean {
  return Array.isArray(type) && type.filter((t) => t !== 'null').length === 1 && type.includes(name);
}

function recordOf(type: CwlType): RecordType | undefined {
  const t = Array.isArray(type) && type.filter((x) => x !== 'null').length === 1 ? type.find((x) => x !== 'null')! : type;
  return isPlainObject(t) && (t as { type?: unknown }).type === 'record' ? t as unknown as RecordType : undefined;
}
