import { writeFile } from 'node:fs/promises';

import type { TaskUsage } from '../execute/jobReporting.js';

export type { TaskUsage };

/** Calrissian's conversion: bytes / 10^6, so 100Mi is 104.8576 MB and 2G is 2000 MB. */
const megabytes = (mib: number): number => (mib * 2 ** 20) / 1e6;
const SECONDS_PER_HOUR = 3600;

/**
 * Calrissian's `--usage-report`: requested resources per task, totals and
 * peak parallel use, in its JSON layout and units (decimal megabytes, hours,
 * UTC times as Python writes the Kubernetes client's zone-aware ones) so that the platform's billing reads it unchanged.
 * See schemas/usage-report.schema.json.
 */
export class UsageReport {
  readonly #tasks: TaskUsage[] = [];

  constructor(readonly coresAllowed: number, readonly ramBytesAllowed: number) {}

  add(task: TaskUsage): void {
    this.#tasks.push(task);
  }

  toJSON(): Record<string, unknown> {
    const names = jobNames(this.#tasks);
    const children = this.#tasks.map((t, i) => {
      const seconds = (t.finish.getTime() - t.start.getTime()) / 1000;
      const hours = seconds / SECONDS_PER_HOUR;
      const ram = megabytes(t.ramMiB);
      return {
        cpus: t.cores,
        ram_megabytes: ram,
        disk_megabytes: t.outputBytes / 1e6,
        exit_code: t.exitCode,
        name: names[i],
        start_time: pythonIsoTime(t.start),
        finish_time: pythonIsoTime(t.finish),
        // Calrissian reports zero durations as null (it tests them for truth).
        elapsed_hours: hours || null,
        elapsed_seconds: seconds,
        ram_megabyte_hours: hours ? ram * hours : null,
        cpu_hours: hours ? t.cores * hours : null,
      };
    });
    const starts = this.#tasks.map((t) => t.start.getTime());
    const finishes = this.#tasks.map((t) => t.finish.getTime());
    const first = starts.length > 0 ? Math.min(...starts) : undefined;
    const last = finishes.length > 0 ? Math.max(...finishes) : undefined;
    const seconds = first !== undefined && last !== undefined ? (last - first) / 1000 : null;
    const sum = (values: readonly (number | null)[]): number => values.reduce<number>((a, v) => a + (v ?? 0), 0);
    return {
      cores_allowed: this.coresAllowed,
      ram_mb_allowed: this.ramBytesAllowed / 1e6,
      ...(first !== undefined ? { start_time: pythonIsoTime(new Date(first)) } : {}),
      ...(last !== undefined ? { finish_time: pythonIsoTime(new Date(last)) } : {}),
      elapsed_hours: seconds ? seconds / SECONDS_PER_HOUR : null,
      elapsed_seconds: seconds,
      total_cpu_hours: sum(children.map((c) => c.cpu_hours)),
      total_ram_megabyte_hours: sum(children.map((c) => c.ram_megabyte_hours)),
      total_disk_megabytes: sum(children.map((c) => c.disk_megabytes)),
      total_tasks: children.length,
      max_parallel_cpus: this.#peak((t) => t.cores),
      max_parallel_ram_megabytes: this.#peak((t) => megabytes(t.ramMiB)),
      max_parallel_tasks: this.#peak(() => 1),
      children,
    };
  }

  /** Peak of a per-task quantity over time; a finish and a start at the same instant do not overlap. */
  #peak(unit: (t: TaskUsage) => number): number {
    const events = this.#tasks.flatMap((t) => [
      { time: t.start.getTime(), delta: unit(t) },
      { time: t.finish.getTime(), delta: -unit(t) },
    ]).sort((a, b) => a.time - b.time || a.delta - b.delta);
    let now = 0;
    let max = 0;
    for (const e of events) { now += e.delta; max = Math.max(max, now); }
    return max;
  }

  async write(file: string): Promise<void> {
    await writeFile(file, `${JSON.stringify(this, null, 4)}\n`);
  }
}

/**
 * The names Calrissian gives jobs, which are cwltool's: the step's (or the
 * tool's) short name, then `_2`, `_3`, … for each later job of the same name
 * in the run (a scatter's elements, a retried or repeated step), numbered in
 * the order the jobs started. `wf.cwl/sub/s1[3]` is a job of `s1`.
 */
function jobNames(tasks: readonly TaskUsage[]): string[] {
  const order = tasks.map((_, i) => i).sort((a, b) => tasks[a]!.start.getTime() - tasks[b]!.start.getTime() || a - b);
  const taken = new Set<string>();
  // The next number to try for each stem: a 10,000-wide scatter costs O(n), not O(n²).
  const next = new Map<string, number>();
  const names: string[] = [];
  for (const i of order) {
    const stem = tasks[i]!.name.split('/').at(-1)!.replace(/(\[\d+\])+$/, '');
    let n = next.get(stem) ?? 1;
    let name = stem;
    for (; taken.has((name = n === 1 ? stem : `${stem}_${n}`)); n++);
    next.set(stem, n + 1);
    taken.add(name);
    names[i] = name;
  }
  return names;
}

/** Python's `isoformat()` of the Kubernetes client's UTC datetimes, as Calrissian writes them: microseconds only when there are any, then +00:00. */
function pythonIsoTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const fraction = d.getUTCMilliseconds() === 0 ? '' : `.${p(d.getUTCMilliseconds() * 1000, 6)}`;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${fraction}+00:00`;
}
