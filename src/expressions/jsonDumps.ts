/**
 * JSON text exactly as cwltool produces it when it interpolates a non-string
 * value into a string (Python `json.dumps(value, sort_keys=True)`): keys
 * sorted, `", "` and `": "` separators, non-ASCII characters escaped as
 * `\uXXXX`. Conformance checksums (e.g. iwd-jsondump*-nl) depend on this.
 */
export function cwlJsonDumps(value: unknown): string {
  return dump(value, 0) ?? 'null';
}

const NON_ASCII = /[\u0080-\uffff]/g;
const HAS_NON_ASCII = /[\u0080-\uffff]/;

function escapeNonAscii(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function dumpString(text: string): string {
  const json = JSON.stringify(text);
  return HAS_NON_ASCII.test(json) ? json.replace(NON_ASCII, escapeNonAscii) : json;
}

function dumpNumber(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  // Python writes at least two exponent digits: 1e-07, 1e+21 stays as is.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

function dump(value: unknown, depth: number): string | undefined {
  if (depth > 10_000) throw new RangeError('value is nested too deeply (circular?)');
  switch (typeof value) {
    case 'string':
      return dumpString(value);
    case 'number':
      return dumpNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items: string[] = [];
    for (const item of value) items.push(dump(item, depth + 1) ?? 'null');
    return `[${items.join(', ')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const entries: string[] = [];
  for (const key of keys) {
    const text = dump(record[key], depth + 1);
    if (text !== undefined) entries.push(`${dumpString(key)}: ${text}`);
  }
  return `{${entries.join(', ')}}`;
}
