import { ValidationError } from '../errors.js';

const UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes memory quantity (`512Mi`, `2G`, `1073741824`) in MiB, as Calrissian's --max-ram. */
export function parseQuantityMiB(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!m || UNITS[m[2]!] === undefined) throw new ValidationError(`--max-ram: '${text}' is not a memory quantity (e.g. 512Mi, 2G, or bytes)`);
  return Math.floor((Number(m[1]) * UNITS[m[2]!]!) / 2 ** 20);
}
