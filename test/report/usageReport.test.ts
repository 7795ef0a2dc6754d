/**
 * --usage-report as Calrissian writes it: jobs named as cwltool names them,
 * disk as the size of the File outputs, decimal megabytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageReport, type TaskUsage } from '../../src/report/usageReport.js';

const at = (s: number): Date => new Date(Date.UTC(2026, 11, 7, 12, 0, s));
const task = (name: string, startS: number, over: Partial<TaskUsage> = {}): TaskUsage => ({
  name, cores: 1, ramMiB: 256, outputBytes: 0, exitCode: 0, start: at(startS), finish: at(startS + 10), ...over,
});
const children = (r: UsageReport): { name: string; disk_megabytes: number; ram_megabytes: number }[] =>
  (r.toJSON() as { children: { name: string; disk_megabytes: number; ram_megabytes: number }[] }).children;

test("jobs take cwltool's names: the step's short name, then _2, _3 in the order they started", () => {
  const r = new UsageReport(2, 2e9);
  // Added as they finished, which is not the order they started.
  for (const t of [task('wf.cwl/s1[1]', 2), task('wf.cwl/s1[0]', 1), task('wf.cwl/s2', 5), task('wf.cwl/sub/inner/s1[2][0]', 3), task('tool.cwl', 6)]) r.add(t);
  assert.deepEqual(children(r).map((c) => c.name), ['s1_2', 's1', 's2', 's1_3', 'tool.cwl']);
});

test('a step literally named like a later job of another keeps its name, and the later job moves on', () => {
  const r = new UsageReport(2, 2e9);
  for (const t of [task('wf.cwl/s1_2', 1), task('wf.cwl/s1[0]', 2), task('wf.cwl/s1[1]', 3)]) r.add(t);
  assert.deepEqual(children(r).map((c) => c.name), ['s1_2', 's1', 's1_3']);
});

test('disk_megabytes is the size of the outputs in decimal megabytes, and the totals add them', () => {
  const r = new UsageReport(2, 2e9);
  r.add(task('wf.cwl/a', 1, { outputBytes: 2_500_000 }));
  r.add(task('wf.cwl/b', 2, { outputBytes: 0 }));
  assert.deepEqual(children(r).map((c) => c.disk_megabytes), [2.5, 0]);
  assert.equal((r.toJSON() as { total_disk_megabytes: number }).total_disk_megabytes, 2.5);
});

test('20,000 jobs of one step are named in time linear in their number (each name looked for once)', () => {
  const small = new UsageReport(2, 2e9);
  const large = new UsageReport(2, 2e9);
  for (let i = 0; i < 2_000; i++) small.add(task(`wf.cwl/s[${i}]`, 0));
  for (let i = 0; i < 20_000; i++) large.add(task(`wf.cwl/s[${i}]`, 0));
  const time = (r: UsageReport): number => { const t = performance.now(); r.toJSON(); return performance.now() - t; };
  time(small);
  const ratio = time(large) / Math.max(time(small), 0.5);
  assert.equal(children(large).at(-1)!.name, 's_20000');
  assert.ok(ratio < 40, `10x the jobs took ${ratio.toFixed(1)}x the time (quadratic naming would be ~100x)`);
});

test("times are written as Calrissian writes the pod's: UTC with +00:00, microseconds only when there are any", () => {
  const r = new UsageReport(2, 2e9);
  r.add(task('wf.cwl/a', 1, { finish: new Date(Date.UTC(2026, 11, 7, 12, 0, 11, 250)) }));
  const [child] = (r.toJSON() as { children: { start_time: string; finish_time: string }[] }).children;
  assert.equal(child!.start_time, '2026-12-07T12:00:01+00:00');
  assert.equal(child!.finish_time, '2026-12-07T12:00:11.250000+00:00');
});
