import type { CommandLineBinding, CommandLineTool, CwlType, RecordType } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { matchesType } from '../validate/jobObject.js';

/** Evaluates an expression (or returns a literal) with `self` bound. */
export type BindingEvaluate = (text: unknown, self: unknown) => Promise<unknown>;

/** An argument word, and whether it may be shell-quoted (ShellCommandRequirement). */
export interface CommandWord {
  readonly text: string;
  readonly shellQuote: boolean;
}

/** A binding with its sort key and the value it binds, before words are generated. */
interface PendingBinding {
  key: (number | string)[];
  readonly binding: CommandLineBinding;
  readonly datum: unknown;
}

/**
 * Builds the argument list of a CommandLineTool: baseCommand, then every
 * argument and input binding ordered by position, then by the name (inputs)
 * or index (arguments) that contains them — numbers before names, as cwltool.
 */
export async function buildCommandLine(
  tool: CommandLineTool, inputs: Readonly<Record<string, unknown>>, evaluate: BindingEvaluate,
): Promise<CommandWord[]> {
  const pending: PendingBinding[] = [];
  for (const [index, arg] of tool.arguments.entries()) {
    if (typeof arg === 'string') {
      pending.push({ key: [0, index], binding: { valueFrom: arg }, datum: null });
    } else {
      pending.push({ key: [await positionOf(arg, evaluate, null), index], binding: arg, datum: null });
    }
  }
  for (const param of tool.inputs) {
    const value = inputs[param.id];
    if (value === null || value === undefined) continue;
    pending.push(...(await bindInput(param.type, param.inputBinding, value, [], [param.id], evaluate)));
  }
  pending.sort((a, b) => compareKeys(a.key, b.key));
  const words: CommandWord[] = tool.baseCommand.map((text) => ({ text, shellQuote: true }));
  for (const p of pending) words.push(...(await generateWords(p, evaluate)));
  return words;
}

async function positionOf(binding: CommandLineBinding, evaluate: BindingEvaluate, self: unknown): Promise<number> {
  if (binding.position === undefined) return 0;
  const p = await evaluate(binding.position, self);
  if (p === null || p === undefined) return 0;
  if (typeof p !== 'number') throw new ValidationError(`inputBinding position must be an int, got ${JSON.stringify(p)}`);
  return p;
}

/** Python-2-like list ordering: element-wise, numbers before strings, shorter first. */
export function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Collects the bindings of one value and of everything nested in it. The
 * nested bindings' keys are prefixed by the enclosing binding's key, so a
 * prefix is emitted before the items or fields it introduces.
 */
async function bindInput(
  type: CwlType, binding: CommandLineBinding | undefined, datum: unknown,
  leadKey: readonly (number | string)[], tailKey: readonly (number | string)[], evaluate: BindingEvaluate,
): Promise<PendingBinding[]> {
  let own: PendingBinding | undefined;
  if (binding) {
    own = { key: [...leadKey, await positionOf(binding, evaluate, datum), ...tailKey], binding, datum };
  }
  const hasValueFrom = binding?.valueFrom !== undefined;
  let nested: PendingBinding[] = [];
  if (Array.isArray(type)) {
    const branch = type.find((t) => matchesType(t, datum));
    if (branch === undefined) throw new ValidationError(`value ${JSON.stringify(datum)} does not match type ${JSON.stringify(type)}`);
    if (!hasValueFrom) return bindInput(branch, binding, datum, leadKey, tailKey, evaluate);
  } else if (typeof type === 'object') {
    const t = type as Exclude<CwlType, string | readonly CwlType[]>;
    // An array bound as a whole (no itemSeparator) binds each item too, without prefix.
    let typeBinding = t.inputBinding;
    if (binding && typeBinding === undefined && t.type === 'array' && binding.itemSeparator === undefined) typeBinding = {};
    const inner = await bindComplex(t, typeBinding, datum, evaluate);
    if (!hasValueFrom) nested = inner;
  } else if (type === 'Any' && isPlainObject(datum) && datum.class !== 'File' && datum.class !== 'Directory') {
    nested = [];
  }
  if (!own) return nested;
  for (const n of nested) n.key = [...own.key, ...n.key];
  return [own, ...nested];
}

/** The bindings inside a record, array or enum type (its own binding included). */
async function bindComplex(
  t: Exclude<CwlType, string | readonly CwlType[]>, typeBinding: CommandLineBinding | undefined, datum: unknown,
  evaluate: BindingEvaluate,
): Promise<PendingBinding[]> {
  const ownKey: (number | string)[] | undefined = typeBinding ? [await positionOf(typeBinding, evaluate, datum)] : undefined;
  const out: PendingBinding[] = [];
  if (t.type === 'record' && isPlainObject(datum)) {
    for (const f of (t as RecordType).fields) {
      const v = datum[f.name];
      if (v === null || v === undefined) continue;
      out.push(...(await bindInput(f.type, f.inputBinding, v, [], [f.name], evaluate)));
    }
  } else if (t.type === 'array' && Array.isArray(datum)) {
    for (const [n, item] of datum.entries()) {
      const items = await bindInput(t.items, typeBinding, item, [n], ownKey ?? [], evaluate);
      out.push(...items);
    }
    return out;
  }
  if (typeBinding && ownKey) {
    const own: PendingBinding = { key: ownKey, binding: typeBinding, datum };
    for (const n of out) n.key = [...own.key, ...n.key];
    return [own, ...out];
  }
  return out;
}

/** The words one binding produces, as cwltool's generate_arg. */
async function generateWords(p: PendingBinding, evaluate: BindingEvaluate): Promise<CommandWord[]> {
  const binding = p.binding;
  const value = binding.valueFrom !== undefined ? await evaluate(binding.valueFrom, p.datum) : p.datum;
  const quote = binding.shellQuote !== false;
  const prefix = binding.prefix;
  const separate = binding.separate !== false;
  const word = (text: string): CommandWord => ({ text, shellQuote: quote });
  let items: unknown[];
  if (Array.isArray(value)) {
    if (binding.itemSeparator !== undefined && value.length > 0) {
      items = [value.map(scalarText).join(binding.itemSeparator)];
    } else if (binding.valueFrom !== undefined) {
      return [...(prefix ? [word(prefix)] : []), ...value.map((v) => word(scalarText(v)))];
    } else {
      return prefix && value.length > 0 ? [word(prefix)] : [];
    }
  } else if (isPlainObject(value) && (value.class === 'File' || value.class === 'Directory')) {
    items = [value];
  } else if (isPlainObject(value)) {
    return prefix ? [word(prefix)] : [];
  } else if (value === true) {
    return prefix ? [word(prefix)] : [];
  } else if (value === false || value === null || value === undefined) {
    return [];
  } else {
    items = [value];
  }
  const out: CommandWord[] = [];
  for (const item of items) {
    const text = scalarText(item);
    if (prefix === undefined) out.push(word(text));
    else if (separate) out.push(word(prefix), word(text));
    else out.push(word(prefix + text));
  }
  return out;
}

function scalarText(value: unknown): string {
  if (isPlainObject(value) && (value.class === 'File' || value.class === 'Directory')) return String(value.path ?? value.location);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for /bin/sh, as Python's shlex.quote does. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The command words with ShellCommandRequirement joined into one `sh -c` script. */
export function toShellScript(words: readonly CommandWord[]): string {
  return words.map((w) => (w.shellQuote ? shellQuote(w.text) : w.text)).join(' ');
}
