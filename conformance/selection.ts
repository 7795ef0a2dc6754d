/**
 * Which tests a cwltest invocation runs, worked out the way cwltest 2.7 does
 * it: `--tags` / `--exclude-tags` filter the list first (keeping its order),
 * then `-n` picks 1-based positions in the filtered list, in the order given.
 */
import type { SuiteTest } from './suite.js';

export interface SelectionCriteria {
  /** Comma-separated; a test is kept if it has any of them. */
  readonly tags?: string | undefined;
  /** Comma-separated; a test is dropped if it has any of them. */
  readonly excludeTags?: string | undefined;
  /** cwltest's `-n` syntax: `1,3-6,9`. */
  readonly numbers?: string | undefined;
}

export interface Selection {
  /** The list after tag filtering: what cwltest numbers tests against. */
  readonly filtered: readonly SuiteTest[];
  /** 1-based positions in `filtered`, in the order cwltest runs and reports them. */
  readonly numbers: readonly number[];
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

export function selectTests(tests: readonly SuiteTest[], criteria: SelectionCriteria): Selection {
  let filtered = tests;
  if (criteria.tags !== undefined) {
    const wanted = new Set(criteria.tags.split(','));
    filtered = filtered.filter((t) => t.tags.some((tag) => wanted.has(tag)));
  }
  if (criteria.excludeTags !== undefined) {
    const unwanted = new Set(criteria.excludeTags.split(','));
    filtered = filtered.filter((t) => !t.tags.some((tag) => unwanted.has(tag)));
  }
  const numbers =
    criteria.numbers === undefined ? filtered.map((_, i) => i + 1) : expandNumberRange(criteria.numbers);
  const outOfRange = numbers.filter((n) => n > filtered.length);
  if (outOfRange.length > 0) {
    throw new SelectionError(
      `test number ${outOfRange[0]} is out of range: the selection has ${filtered.length} tests`,
    );
  }
  return { filtered, numbers };
}

/** Expands cwltest's `-n` syntax (`1,3-6,9`) into 1-based test numbers, in order. */
export function expandNumberRange(spec: string): number[] {
  const numbers: number[] = [];
  for (const part of spec.split(',')) {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    const single = /^\s*(\d+)\s*$/.exec(part);
    if (range !== null) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from < 1 || to < from) throw new SelectionError(`bad test range "${part}" in -n ${spec}`);
      for (let n = from; n <= to; n++) numbers.push(n);
    } else if (single !== null && Number(single[1]) >= 1) {
      numbers.push(Number(single[1]));
    } else {
      throw new SelectionError(`bad test number "${part}" in -n ${spec} (expected e.g. 1,3-6,9)`);
    }
  }
  return numbers;
}
