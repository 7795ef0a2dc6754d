/**
 * The baseline: test ids expected to pass (conformance/baseline.txt, one id
 * per line, sorted). A run fails when a baseline test that it ran did not
 * pass; `--update-baseline` only ever adds ids.
 */
import type { Outcome, TestResult } from './results.js';
import { compareIds } from './summary.js';

export interface Regression {
  readonly id: string;
  /** `missing` when the test was selected but has no result. */
  readonly outcome: Exclude<Outcome, 'passed'> | 'missing';
  readonly message?: string;
}

export interface BaselineCheck {
  /** Baseline tests that ran (or should have) and did not pass. */
  readonly regressions: readonly Regression[];
  /** Baseline ids that are not tests of the suite at all. */
  readonly unknown: readonly string[];
  /** Baseline tests outside this run's selection (not checked). */
  readonly notRun: readonly string[];
}

/** Reads baseline ids: one per line; blank lines and `#` comments are ignored. */
export function parseBaseline(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Writes ids sorted (by code unit, like `LC_ALL=C sort`) and unique, one per line. */
export function formatBaseline(ids: Iterable<string>): string {
  const sorted = [...new Set(ids)].sort(compareIds);
  return sorted.length === 0 ? '' : `${sorted.join('\n')}\n`;
}

export function checkBaseline(
  baseline: readonly string[],
  results: readonly TestResult[],
  scope: { readonly selectedIds: ReadonlySet<string>; readonly knownIds: ReadonlySet<string> },
): BaselineCheck {
  const byId = new Map(results.map((r) => [r.id, r] as const));
  const regressions: Regression[] = [];
  const unknown: string[] = [];
  const notRun: string[] = [];
  for (const id of [...new Set(baseline)].sort(compareIds)) {
    const result = byId.get(id);
    if (!scope.knownIds.has(id)) {
      unknown.push(id);
    } else if (result === undefined) {
      if (scope.selectedIds.has(id)) regressions.push({ id, outcome: 'missing' });
      else notRun.push(id);
    } else if (result.outcome !== 'passed') {
      regressions.push({
        id,
        outcome: result.outcome,
        ...(result.message !== undefined ? { message: result.message } : {}),
      });
    }
  }
  return { regressions, unknown, notRun };
}

/** The baseline plus every test that passed; never drops an id. */
export function updateBaseline(
  baseline: readonly string[],
  results: readonly TestResult[],
): { readonly ids: readonly string[]; readonly added: readonly string[] } {
  const existing = new Set(baseline);
  const added = [...new Set(results.filter((r) => r.outcome === 'passed').map((r) => r.id))]
    .filter((id) => !existing.has(id))
    .sort(compareIds);
  return { ids: [...new Set([...baseline, ...added])].sort(compareIds), added };
}
