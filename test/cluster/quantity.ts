/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource):
 *
 *   quantity  ::= signedNumber suffix
 *   number    ::= digits | digits "." digits? | "." digits
 *   suffix    ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E)
 *               | ("e" | "E") signedInteger
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
/** Decimal suffixes as powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const GRAMMAR = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** The message the API server gives when a quantity cannot be decoded. */
export const QUANTITY_SYNTAX_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The value of a quantity (a string, or a JSON number as the API also accepts), or undefined when it does not parse. */
export function parseQuantity(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = GRAMMAR.exec(input.trim() === input ? input : '');
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const digits = m[2]!.endsWith('.') ? m[2]!.slice(0, -1) : m[2]!;
  const suffix = m[3] ?? '';
  // Decimal scaling through the number's text keeps 100m exactly 0.1.
  const value = sign * (suffix in BINARY ? Number(digits) * BINARY[suffix]! : Number(`${digits}e${suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1))}`));
  return Number.isFinite(value) ? value : undefined;
}

/** CPU in millicores, rounded up as Quantity.MilliValue does. */
export function milliValue(value: number): number {
  return Math.ceil(value * 1000 - 1e-9);
}

/** Bytes (or any integer resource), rounded up as Quantity.Value does. */
export function intValue(value: number): number {
  return Math.ceil(value - 1e-9);
}

/** Resource amounts as integers: cpu in millicores, everything else in whole units. */
export function canonicalAmount(resource: string, value: number): number {
  return resource === 'cpu' ? milliValue(value) : intValue(value);
}

/** A parsed resource list (requests or limits) in canonical integer units; unparseable entries are skipped. */
export function resourceAmounts(list: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!list || typeof list !== 'object') return out;
  for (const [name, raw] of Object.entries(list as Record<string, unknown>)) {
    const v = parseQuantity(raw);
    if (v !== undefined) out.set(name, canonicalAmount(name, v));
  }
  return out;
}

/** Formats canonical amounts back for messages (`500m`, `2`, `16Mi`). */
export function formatAmount(resource: string, amount: number): string {
  if (resource === 'cpu') return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  for (const [suffix, factor] of Object.entries(BINARY).reverse()) {
    if (amount >= factor && amount % factor === 0) return `${amount / factor}${suffix}`;
  }
  return String(amount);
}
