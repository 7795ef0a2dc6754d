/**
 * A process's memory as the kernel counts it, read from /proc/<pid>/status
 * every few milliseconds while it runs: its peak resident set (VmHWM, kept
 * by the kernel, so exact) and the most of it that was private memory
 * (RssAnon) and file pages (RssFile). File pages are mostly the program's
 * own executable — 45–51 MiB of the node binary for bespin — shared with
 * every process that maps it and reclaimable under a pod's memory limit;
 * private memory is what the limit must hold.
 */
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  readonly peakRssMiB: number;
  readonly peakAnonMiB: number;
  readonly peakFileMiB: number;
}

export function watchProcessMemory(pid: number, everyMs = 10): { stop(): ProcessMemory } {
  let peak = { rss: 0, anon: 0, file: 0 };
  const read = (): void => {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return; // ended between two readings: the last one stands
    }
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    peak = { rss: Math.max(peak.rss, kib('VmHWM')), anon: Math.max(peak.anon, kib('RssAnon')), file: Math.max(peak.file, kib('RssFile')) };
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakRssMiB: peak.rss / 1024, peakAnonMiB: peak.anon / 1024, peakFileMiB: peak.file / 1024 };
    },
  };
}
