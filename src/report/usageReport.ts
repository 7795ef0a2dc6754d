import { writeFile } from 'node:fs/promises';

import type { TaskUsage } from '../execute/jobReporting.js';

export type { TaskUsage };

/** Calrissian's conversion: bytes / 10^6, so 100Mi is 104.8576 MB and 2G is 2000 MB. */
const megabytes = (mib: number): number => (mib * 2 ** 20) / 1e6;
const SECONDS_PER_HOUR = 3600;

/**
 * Calrissian's `--usage-report`: requested resources per task, totals and
 * peak parallel use, in its JSON layout and units (decimal megabytes, hours,
 * naive local ISO times) so that the platform's billing reads it unchanged.
 * See schemas/usage-report.schema.json.
 */
export class UsageReport {
  readonly #tasks: TaskUsage[] = [];

  constructor(readonly coresAllowed: number, readonly ramBytesAllowed: number) {}

  add(task: TaskUsage): void {
    this.#tasks.push(task);
  }

  toJSON(): Record<string, unknown> {
    const children = this.#tasks.map((t) => {
      const seconds = (t.finish.getTime() - t.start.getTime()) / 1000;
      const hours = seconds / SECONDS_PER_HOUR;
      const ram = megabytes(t.ramMiB);
      return {
        cpus: t.cores,
        ram_megabytes: ram,
        disk_megabytes: megabytes(t.diskMiB),
        exit_code: t.exitCode,
        name: t.name,
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

/** Python's `datetime.now().isoformat()`: local time, microseconds, no zone. */
function pythonIsoTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
}
