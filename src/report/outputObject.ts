/**
 * The output object as cwltool prints it: JSON indented by 4. Integral numbers
 * too large for exact doubles are written in full (1e+42 → 1 and 42 zeros), as
 * Python prints the integer the document meant.
 */
/** Node 21+ has JSON.rawJSON; TypeScript's lib does not declare it yet. */
const rawJSON = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

export function formatOutputObject(outputs: unknown): string {
  return JSON.stringify(outputs, (_key, value: unknown) => {
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e21) {
      return rawJSON(expandExponent(value));
    }
    return value;
  }, 4);
}

function expandExponent(n: number): string {
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const shift = Number(exp) - (digits.length - 1);
  return `${negative ? '-' : ''}${digits}${'0'.repeat(Math.max(0, shift))}`;
}
