/** Per-tag counts of a conformance run, and their markdown rendering. */
import type { TestResult } from './results.js';

export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
  readonly total: number;
}

export interface Summary {
  readonly overall: Counts;
  /** Tag → counts, keys sorted. A test counts under each of its tags. */
  readonly tags: Readonly<Record<string, Counts>>;
  /** Sorted ids. */
  readonly failing: readonly string[];
  readonly unsupported: readonly string[];
  readonly timedOut: readonly string[];
}

type MutableCounts = { -readonly [K in keyof Counts]: Counts[K] };

const emptyCounts = (): MutableCounts => ({ passed: 0, failed: 0, unsupported: 0, total: 0 });

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Counts results overall and per tag. A test that appears more than once
 * (cwltest runs `-n 3,3` twice) counts once, with its last outcome.
 */
export function summarize(
  results: readonly TestResult[],
  tagsById: ReadonlyMap<string, readonly string[]>,
): Summary {
  const byId = new Map<string, TestResult>();
  for (const r of results) byId.set(r.id, r);

  const overall = emptyCounts();
  const tags = new Map<string, MutableCounts>();
  const add = (counts: MutableCounts, r: TestResult): void => {
    counts[r.outcome] += 1;
    counts.total += 1;
  };
  for (const r of byId.values()) {
    add(overall, r);
    for (const tag of new Set(tagsById.get(r.id) ?? [])) {
      let counts = tags.get(tag);
      if (counts === undefined) tags.set(tag, (counts = emptyCounts()));
      add(counts, r);
    }
  }
  const idsWhere = (keep: (r: TestResult) => boolean): string[] =>
    [...byId.values()].filter(keep).map((r) => r.id).sort(compareIds);
  return {
    overall,
    tags: Object.fromEntries([...tags.entries()].sort(([a], [b]) => compareIds(a, b))),
    failing: idsWhere((r) => r.outcome === 'failed'),
    unsupported: idsWhere((r) => r.outcome === 'unsupported'),
    timedOut: idsWhere((r) => r.timedOut),
  };
}

function passRate({ passed, total }: Counts): string {
  return total === 0 ? '–' : `${((100 * passed) / total).toFixed(1)}%`;
}

/** A markdown table: one row per tag, then the overall row. */
export function renderTable(summary: Summary): string {
  const row = (label: string, c: Counts): string =>
    `| ${label} | ${c.passed} | ${c.failed} | ${c.unsupported} | ${c.total} | ${passRate(c)} |`;
  return [
    '| Tag | Passed | Failed | Unsupported | Total | Pass rate |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(summary.tags).map(([tag, c]) => row(`\`${tag}\``, c)),
    row('**all**', summary.overall),
  ].join('\n');
}

/** The whole summary.md: heading, table, and the ids that did not pass. */
export function renderMarkdown(summary: Summary, heading = 'CWL v1.2 conformance'): string {
  const list = (title: string, ids: readonly string[]): string[] =>
    ids.length === 0 ? [] : ['', `${title} (${ids.length}):`, '', ...ids.map((id) => `- \`${id}\``)];
  return [
    `## ${heading}`,
    '',
    renderTable(summary),
    ...list('Failing', summary.failing),
    ...list('Timed out', summary.timedOut),
    ...list('Unsupported', summary.unsupported),
    '',
  ].join('\n');
}
