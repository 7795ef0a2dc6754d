/** Label and field selectors, parsed and matched as k8s.io/apimachinery does. */
import { ApiError } from './status.js';
import { labelKeyErrors, labelValueErrors } from './names.js';

export type Operator = 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Gt' | 'Lt';

export interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
}

type Token = { kind: 'ident'; text: string } | { kind: 'op'; text: string } | { kind: 'end' };

const SPECIAL = new Set([' ', '\t', '\n', ',', '(', ')', '=', '!', '<', '>']);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=') { out.push({ kind: 'op', text: two }); i += 2; continue; }
    if (SPECIAL.has(c)) { out.push({ kind: 'op', text: c }); i++; continue; }
    let j = i;
    while (j < text.length && !SPECIAL.has(text[j]!)) j++;
    const word = text.slice(i, j);
    out.push(word === 'in' || word === 'notin' ? { kind: 'op', text: word } : { kind: 'ident', text: word });
    i = j;
  }
  out.push({ kind: 'end' });
  return out;
}

function parseError(detail: string): ApiError {
  return ApiError.badRequest(`unable to parse requirement: ${detail}`);
}

/** A cursor over a selector's tokens. */
class Tokens {
  #pos = 0;
  constructor(readonly tokens: readonly Token[]) {}
  peek(): Token {
    return this.tokens[this.#pos]!;
  }
  next(): Token {
    return this.tokens[this.#pos++]!;
  }
  ident(what: string): string {
    const t = this.next();
    if (t.kind !== 'ident') throw parseError(`found '${t.kind === 'op' ? t.text : ''}', expected: ${what}`);
    return t.text;
  }
}

/** Parses a label selector (`a=b,c!=d,e in (f,g),!h,i`); throws a 400 Status error when malformed. */
export function parseLabelSelector(text: string | undefined | null): Requirement[] {
  if (!text || !text.trim()) return [];
  const tokens = new Tokens(tokenize(text));
  const reqs: Requirement[] = [];
  for (;;) {
    const req = readRequirement(tokens);
    checkRequirement(req);
    reqs.push(req);
    const t = tokens.next();
    if (t.kind === 'end') return reqs;
    if (!(t.kind === 'op' && t.text === ',')) throw parseError(`found '${t.kind === 'ident' ? t.text : t.kind === 'op' ? t.text : ''}', expected: ',' or 'end of string'`);
  }
}

function readRequirement(tokens: Tokens): Requirement {
  const t = tokens.next();
  if (t.kind === 'op' && t.text === '!') return { key: tokens.ident('identifier after \'!\''), op: 'DoesNotExist', values: [] };
  if (t.kind !== 'ident') throw parseError(`found '${t.kind === 'op' ? t.text : ''}', expected: !, identifier, or 'end of string'`);
  const key = t.text;
  const o = tokens.peek();
  if (o.kind === 'end' || (o.kind === 'op' && o.text === ',')) return { key, op: 'Exists', values: [] };
  if (o.kind === 'op' && (o.text === '=' || o.text === '==' || o.text === '!=')) {
    tokens.next();
    const v = tokens.peek();
    const value = v.kind === 'ident' ? (tokens.next(), v.text) : '';
    return { key, op: o.text === '!=' ? 'NotEquals' : 'Equals', values: [value] };
  }
  if (o.kind === 'op' && (o.text === 'in' || o.text === 'notin')) {
    tokens.next();
    return { key, op: o.text === 'in' ? 'In' : 'NotIn', values: readSet(tokens, key) };
  }
  if (o.kind === 'op' && (o.text === '>' || o.text === '<')) {
    tokens.next();
    const value = tokens.ident('integer value');
    if (!/^-?[0-9]+$/.test(value)) throw parseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
    return { key, op: o.text === '>' ? 'Gt' : 'Lt', values: [value] };
  }
  throw parseError(`found '${o.kind === 'op' ? o.text : ''}', expected: in, notin, =, ==, !=, gt, lt`);
}

/** The values of `in (…)` or `notin (…)`, from the opening parenthesis. */
function readSet(tokens: Tokens, key: string): string[] {
  const open = tokens.next();
  if (open.kind !== 'op' || open.text !== '(') throw parseError(`found '${open.kind === 'ident' ? open.text : ''}', expected: '('`);
  const values: string[] = [];
  for (;;) {
    const v = tokens.next();
    if (v.kind === 'ident') values.push(v.text);
    else if (v.kind === 'op' && v.text === ')') return values;
    else if (!(v.kind === 'op' && v.text === ',')) throw parseError(`found unexpected token in set for key ${key}`);
  }
}

function checkRequirement(req: Requirement): void {
  const keyErrors = labelKeyErrors(req.key);
  if (keyErrors.length) throw parseError(`key: Invalid value: ${JSON.stringify(req.key)}: ${keyErrors.join('; ')}`);
  for (const v of req.op === 'Gt' || req.op === 'Lt' ? [] : req.values) {
    const errs = labelValueErrors(v);
    if (errs.length) throw parseError(`values[0][${req.key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`);
  }
}

export function matchesRequirement(req: Requirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = has ? labels![req.key]! : undefined;
  switch (req.op) {
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Equals': case 'In': return has && req.values.includes(value!);
    case 'NotEquals': case 'NotIn': return !has || !req.values.includes(value!);
    case 'Gt': case 'Lt': {
      if (!has || !/^-?[0-9]+$/.test(value!)) return false;
      const a = Number(value), b = Number(req.values[0]);
      return req.op === 'Gt' ? a > b : a < b;
    }
  }
}

export function matchesLabels(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  return reqs.every((r) => matchesRequirement(r, labels));
}

/** A LabelSelector object (matchLabels + matchExpressions) as requirements. */
export function requirementsOf(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) reqs.push({ key, op: 'Equals', values: [value] });
  for (const e of selector?.matchExpressions ?? []) reqs.push({ key: e.key, op: e.operator as Operator, values: e.values ?? [] });
  return reqs;
}

// ---- field selectors ----

export interface FieldRequirement {
  readonly field: string;
  readonly value: string;
  readonly negate: boolean;
}

const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];
const RESOURCE_FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
  jobs: ['status.successful'],
};

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) { cur += c + text[i + 1]; i++; continue; }
    if (c === sep) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Parses a field selector for `resource`; unknown fields are a 400 as on the real server. */
export function parseFieldSelector(text: string | undefined | null, resource: string): FieldRequirement[] {
  if (!text || !text.trim()) return [];
  const allowed = new Set([...COMMON_FIELDS, ...(RESOURCE_FIELDS[resource] ?? [])]);
  return splitUnescaped(text, ',').map((part) => {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) throw ApiError.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1]!.trim();
    if (!allowed.has(field)) throw ApiError.badRequest(`field label not supported: ${field}`);
    return { field, value: unescape(m[3]!.trim()), negate: m[2] === '!=' };
  });
}

/** The string value of a selectable field ("" when unset, booleans as "true"/"false"). */
export function fieldValue(obj: Record<string, unknown>, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (field === 'status.successful') return String(cur ?? 0);
  if (cur === undefined || cur === null) return field === 'spec.unschedulable' || field === 'spec.hostNetwork' ? 'false' : '';
  return String(cur);
}

export function matchesFields(reqs: readonly FieldRequirement[], obj: Record<string, unknown>): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}

/** The name a list/watch is narrowed to by `metadata.name=X`, as RBAC and request info see it. */
export function selectedName(reqs: readonly FieldRequirement[]): string | undefined {
  return reqs.find((r) => r.field === 'metadata.name' && !r.negate)?.value;
}
