import type { CommandLineBinding, CommandLineTool } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { matchType, type MatchedType } from '../model/typeMatch.js';
import { ValidationError } from '../errors.js';

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
    const matched = matchType(param.type, value);
    if (matched === undefined) throw new ValidationError(`value ${JSON.stringify(value)} does not match type ${JSON.stringify(param.type)}`);
    pending.push(...(await bindInput(matched, param.inputBinding, value, [], [param.id], evaluate)));
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
 * Collects the bindings of one value and of everything nested in it,
 * following the type the value matched (its unions resolved once, at the
 * top). The nested bindings' keys are prefixed by the enclosing binding's
 * key, so a prefix is emitted before the items or fields it introduces.
 */
async function bindInput(
  matched: MatchedType, binding: CommandLineBinding | undefined, datum: unknown,
  leadKey: readonly (number | string)[], tailKey: readonly (number | string)[], evaluate: BindingEvaluate,
): Promise<PendingBinding[]> {
  let own: PendingBinding | undefined;
  if (binding) {
    own = { key: [...leadKey, await positionOf(binding, evaluate, datum), ...tailKey], binding, datum };
  }
  // valueFrom replaces the value, so what is nested in it is not bound.
  let nested: PendingBinding[] = [];
  if (matched.kind !== 'primitive' && binding?.valueFrom === undefined) {
    // An array bound as a whole (no itemSeparator) binds each item too, without prefix.
    let typeBinding = matched.type.inputBinding;
    if (binding && typeBinding === undefined && matched.kind === 'array' && binding.itemSeparator === undefined) typeBinding = {};
    nested = await bindComplex(matched, typeBinding, datum, evaluate);
  }
  if (!own) return nested;
  for (const n of nested) n.key = [...own.key, ...n.key];
  return [own, ...nested];
}

/** The bindings inside a record, array or enum value (its type's own binding included). */
async function bindComplex(
  matched: Exclude<MatchedType, { kind: 'primitive' }>, typeBinding: CommandLineBinding | undefined, datum: unknown,
  evaluate: BindingEvaluate,
): Promise<PendingBinding[]> {
  const ownKey: (number | string)[] | undefined = typeBinding ? [await positionOf(typeBinding, evaluate, datum)] : undefined;
  const out: PendingBinding[] = [];
  if (matched.kind === 'record') {
    const record = datum as Readonly<Record<string, unknown>>;
    for (const f of matched.type.fields) {
      const v = record[f.name];
      if (v === null || v === undefined) continue;
      out.push(...(await bindInput(matched.fields.get(f.name)!, f.inputBinding, v, [], [f.name], evaluate)));
    }
  } else if (matched.kind === 'array') {
    for (const [n, item] of (datum as readonly unknown[]).entries()) {
      out.push(...(await bindInput(matched.items[n]!, typeBinding, item, [n], ownKey ?? [], evaluate)));
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
  if (typeof value === 'number') return decimalText(value);
  return JSON.stringify(value);
}

/**
 * A number in plain decimal notation, as the spec asks of float and double
 * bindings: the shortest digits that round-trip (JavaScript's, Python's
 * repr's), with any exponent written out — what cwltool 3.3 prints.
 */
export function decimalText(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, rest = '', exponentText] = match;
  const digits = lead! + rest;
  const point = 1 + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
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
