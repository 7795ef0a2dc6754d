/**
 * Runs of known length to time another run against, instead of a bound in
 * ms: the CLI running a tool that sleeps, started beside the run under test
 * (or, on a cluster that takes one run at a time, right after it). A loaded
 * machine slows both alike, so which one takes longer does not depend on
 * its load.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch, type CliResult } from './cli.js';

/** A tool that sleeps `seconds`, in `image` when given (a pod needs one). */
export function sleepingTool(seconds: number, image?: string): string {
  const container = image ? `requirements: {DockerRequirement: {dockerPull: ${image}}}\n` : '';
  return `cwlVersion: v1.2\nclass: CommandLineTool\n${container}baseCommand: [sleep, "${seconds}"]\ninputs: []\noutputs: []\n`;
}

/** The CLI running a tool that sleeps `seconds` on the host. */
export async function sleepingRun(seconds: number): Promise<CliResult> {
  const dir = await scratch({ 'sleep.cwl': sleepingTool(seconds) });
  return runCli(['--quiet', '--no-container', '--outdir', path.join(dir, 'out'), path.join(dir, 'sleep.cwl')], { cwd: dir, timeoutMs: 60_000 + seconds * 1000 });
}

/** `run` took less time than the sleeping run: `what` says what that shows. */
export function assertShorterThan(run: CliResult, sleeping: CliResult, what: string): void {
  assert.equal(sleeping.code, 0, sleeping.stderr);
  assert.ok(run.ms < sleeping.ms, `${what}: the run took ${Math.round(run.ms)} ms, the sleeping run ${Math.round(sleeping.ms)} ms`);
}
