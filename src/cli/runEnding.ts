import { writeFile } from 'node:fs/promises';
import { relocateOutputs } from '../collect/relocate.js';
import { ContainerUnavailable, UserError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { formatOutputObject } from '../report/outputObject.js';
import { partialOutputsOf } from '../execute/partialOutputs.js';
import { signalExitCode, type Cancellation } from './cancellation.js';
import type { EngineOptions, OutputOptions } from './engineOptions.js';
import type { RunHandles } from './runHandles.js';

/**
 * A run that succeeded: outputs go to --outdir (moved, copied or left), the
 * intermediate ones nobody asked for go with their directories, and the
 * output object is written. Exit code 0.
 */
export async function finishRun(
  outputs: Record<string, unknown>, job: Record<string, unknown>, handles: RunHandles, options: OutputOptions, logger: Logger, document: string,
): Promise<number> {
  const scratch = handles.scratch;
  const final = await relocateOutputs(outputs, options.outdir, options.mode, scratch?.outdirs ?? new Set(), job, document);
  if (options.mode !== 'leave' && scratch && !scratch.leaves) {
    await scratch.removeOutdirs();
    await handles.remote?.remove();
  }
  const text = `${formatOutputObject(final)}\n`;
  // cwltool's --write-summary takes the output object's place on standard output.
  if (options.writeSummary !== undefined) await writeFile(options.writeSummary, text);
  else process.stdout.write(text);
  if (options.stdout !== undefined) await writeFile(options.stdout, text);
  logger.info('Final process status is success');
  return 0;
}

/** What a run that got as far as running its process leaves for its end: the job object and the name of the document. */
export interface StartedRun {
  readonly job: Record<string, unknown>;
  readonly document: string;
  /** The document is a lone tool, not a workflow. */
  readonly tool: boolean;
}

/**
 * A run that failed or was cancelled: whatever still runs stops; as
 * cwltool, once the process ran, the partial output object (the outputs the
 * finished steps gave, null for the rest; for a tool, what could be collected
 * after it exited, else `{}`) goes where a success's would, with those
 * outputs relocated to --outdir. The rest of the
 * run's files go unless asked to stay. The exit code is unchanged, after one
 * plain-text line on stderr.
 */
export async function failRun(
  error: unknown, handles: RunHandles, cancel: Cancellation, options: EngineOptions, logger: Logger, started?: StartedRun,
): Promise<number> {
  const abort = cancel.controller;
  if (!abort.signal.aborted) abort.abort();
  // cwltool prints no output object for a lone tool whose job was never made
  // (an expression failing while its command line is built), and {} once it ran;
  // nor, tool or workflow, when a container's image could not be had.
  const toolRan = !started?.tool || (handles.progress?.started ?? 1) > 0;
  const ended = cancel.by !== undefined || !(error instanceof UserError) || (error.exitCode === 1 && !(error instanceof ContainerUnavailable));
  const reportsOutputs = started !== undefined && toolRan && ended;
  const partial = reportsOutputs ? partialOutputsOf(error) : undefined;
  const final = started && partial ? await relocatePartialOutputs(partial, started, handles, options.outputs, logger) : {};
  const leftInPlace = partial !== undefined && options.outputs.mode === 'leave';
  if (!options.scratch.leaveTmpdir && !leftInPlace) await handles.removeFailedRunFiles();
  await writeFailedOutputObject(final, reportsOutputs, options.outputs, logger);
  return failureExitCode(error, handles, cancel, logger);
}

/** The finished outputs of a failed run, moved (or copied) to --outdir; {} if that fails, with a warning. */
async function relocatePartialOutputs(
  partial: Record<string, unknown>, started: StartedRun, handles: RunHandles, options: OutputOptions, logger: Logger,
): Promise<Record<string, unknown>> {
  try {
    return await relocateOutputs(partial, options.outdir, options.mode, handles.scratch?.outdirs ?? new Set(), started.job, started.document);
  } catch (e) {
    logger.warn(`cannot relocate the outputs of the steps that finished to ${options.outdir}: ${errorMessage(e)}`);
    return {};
  }
}

/**
 * The failed run's output object: on standard output (or --write-summary)
 * once the process ran, and always in the --stdout file, so the platform
 * never reads a missing or stale one.
 */
async function writeFailedOutputObject(final: Record<string, unknown>, reportsOutputs: boolean, options: OutputOptions, logger: Logger): Promise<void> {
  const text = `${formatOutputObject(final)}\n`;
  if (reportsOutputs) {
    if (options.writeSummary === undefined) process.stdout.write(text);
    else await writeFile(options.writeSummary, text).catch((e: unknown) => logger.warn(`--write-summary: cannot write the output object: ${errorMessage(e)}`));
  }
  if (options.stdout !== undefined) {
    await writeFile(options.stdout, text).catch((e: unknown) => logger.warn(`--stdout: cannot write the output object: ${errorMessage(e)}`));
  }
}

/** The failed run's exit code, after its last lines on stderr. */
function failureExitCode(error: unknown, handles: RunHandles, cancel: Cancellation, logger: Logger): number {
  const cancelledBy = cancel.by;
  if (cancelledBy) {
    cancel.reportCancelled(handles.backend?.cancelNote);
    logger.warn('Final process status is permanentFail');
    return signalExitCode(cancelledBy);
  }
  if (error instanceof UserError) {
    process.stderr.write(`ERROR ${handles.secrets.text(error.message)}\n`);
    if (error.exitCode === 1) logger.warn('Final process status is permanentFail');
    return error.exitCode;
  }
  logger.debug({ err: error }, 'internal error');
  process.stderr.write(`ERROR internal error (a bug in bespin, please report it): ${handles.secrets.text(errorMessage(error))}\n`);
  return 1;
}
