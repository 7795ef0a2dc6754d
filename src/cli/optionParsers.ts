import { accessSync, constants, statSync } from 'node:fs';
import { UsageError, fileProblem } from '../errors.js';
import { parseQuantityBytes, parseQuantityCores } from '../model/quantity.js';

/**
 * Parsers for option and environment values, one per kind of value. Each
 * takes the name the user wrote (`--retries`, `RETRY_MAX`) and the value as
 * given, and returns it typed or throws one UsageError naming both: a bad
 * value stops the run before anything starts, never turns into NaN later.
 */

/** The value as the user wrote it, for messages (`''` for a flag given without one). */
function shown(raw: unknown): string {
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw) ?? String(raw);
}

function numberOf(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string' || raw.trim() === '') return NaN;
  return Number(raw.trim());
}

/** A count such as `--retries 3`: a whole number from `min` up. */
export function wholeNumber(name: string, raw: unknown, min = 0): number {
  const n = numberOf(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${name}: '${shown(raw)}' is not a whole number of ${min} or more`);
  return n;
}

/** A number of seconds: finite, above zero (or from zero with `allowZero`). */
export function seconds(name: string, raw: unknown, options: { allowZero?: boolean } = {}): number {
  const n = numberOf(raw);
  const ok = Number.isFinite(n) && (options.allowZero ? n >= 0 : n > 0);
  if (!ok) throw new UsageError(`${name}: '${shown(raw)}' is not a number of seconds${options.allowZero ? '' : ' above 0'}`);
  return n;
}

/** A non-negative number (a multiplier). */
export function nonNegative(name: string, raw: unknown): number {
  const n = numberOf(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name}: '${shown(raw)}' is not a number of 0 or more`);
  return n;
}

/** A byte quantity as Kubernetes writes memory (`512Mi`, `2G`, bytes), of at least `minBytes`. */
export function byteQuantity(name: string, raw: unknown, minBytes = 1): number {
  let bytes = NaN;
  try { bytes = parseQuantityBytes(String(raw)); } catch { /* refused below, with this option's name */ }
  if (!(bytes >= minBytes) || !Number.isFinite(bytes)) {
    const floor = minBytes >= 2 ** 20 ? ` of at least ${minBytes / 2 ** 20}Mi` : '';
    throw new UsageError(`${name}: '${shown(raw)}' is not a size in bytes${floor} (e.g. 512Mi, 2G, 1048576)`);
  }
  return Math.floor(bytes);
}

/** A CPU quantity as Kubernetes writes it (`2`, `1.5`, `500m`), above zero. */
export function coreQuantity(name: string, raw: unknown): number {
  try {
    return parseQuantityCores(String(raw));
  } catch {
    throw new UsageError(`${name}: '${shown(raw)}' is not a CPU quantity (e.g. 2, 1.5, 500m)`);
  }
}

/** One of a fixed set of words. */
export function choice<T extends string>(name: string, raw: unknown, choices: readonly T[]): T {
  const found = choices.find((c) => c === raw);
  if (found === undefined) throw new UsageError(`${name}: '${shown(raw)}' is not one of ${choices.join(', ')}`);
  return found;
}

/** A file the run will read: it must exist, be a file and be readable now, not when a pod is about to start. */
export function existingFile(name: string, raw: unknown): string {
  const file = String(raw);
  try {
    if (file === '') throw Object.assign(new Error('empty'), { code: 'ENOENT' });
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new UsageError(`${name}: cannot read '${file}': ${fileProblem(error)}`);
  }
  return file;
}
