import { ValidationError } from '../errors.js';

const UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes memory quantity (`512Mi`, `2G`, `1073741824`) in MiB, as Calrissian's --max-ram. */
export function parseQuantityMiB(text: string): number {
  return Math.floor(parseQuantityBytes(text) / 2 ** 20);
}

/** A Kubernetes memory quantity in bytes. */
export function parseQuantityBytes(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!m || UNITS[m[2]!] === undefined) throw new ValidationError(`--max-ram: '${text}' is not a memory quantity (e.g. 512Mi, 2G, or bytes)`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** A Kubernetes CPU quantity (`2`, `1.5`, `500m`) in cores, as Calrissian's --max-cores. */
export function parseQuantityCores(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(text.trim());
  const cores = m ? Number(m[1]) / (m[2] === 'm' ? 1000 : 1) : NaN;
  if (!m || !(cores > 0)) throw new ValidationError(`--max-cores: '${text}' is not a CPU quantity (e.g. 2, 1.5, 500m)`);
  return cores;
}

/** `17 MiB`, `2.4 MiB`, `97.7 KiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size) return `${Number.isInteger(bytes / size) ? bytes / size : (bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes} bytes`;
}
