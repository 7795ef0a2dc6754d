import { dump } from 'js-yaml';
import type { CwlType, InputParameter } from '../model/types.js';

/** A job object skeleton for --make-template: each input with a placeholder of its type. */
export function makeTemplate(inputs: readonly InputParameter[]): string {
  const job: Record<string, unknown> = {};
  for (const p of inputs) job[p.id] = p.default ?? placeholder(p.type);
  return dump(job);
}

function placeholder(type: CwlType): unknown {
  if (Array.isArray(type)) return placeholder(type.find((t) => t !== 'null') ?? 'null');
  if (typeof type === 'string') {
    switch (type) {
      case 'File': return { class: 'File', path: 'a/file/path' };
      case 'Directory': return { class: 'Directory', path: 'a/directory/path' };
      case 'int': case 'long': return 0;
      case 'float': case 'double': return 0.1;
      case 'boolean': return false;
      case 'string': return 'a_string';
      default: return null;
    }
  }
  const t = type as Exclude<CwlType, string | readonly CwlType[]>;
  if (t.type === 'array') return [placeholder(t.items)];
  if (t.type === 'enum') return t.symbols[0] ?? null;
  return Object.fromEntries(t.fields.map((f) => [f.name, placeholder(f.type)]));
}
