import { writeFile } from 'node:fs/promises';
import { relocateOutputs } from '../collect/relocate.js';
import { UserError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { formatOutputObject } from '../report/outputObject.js';
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

/**
 * A run that failed or was cancelled: whatever still runs stops, and nothing
 * of it stays behind unless asked for (its outputs were never relocated).
 * Returns the exit code after one plain-text line on stderr, whatever the
 * log format.
 */
export async function failRun(error: unknown, handles: RunHandles, cancel: Cancellation, options: EngineOptions, logger: Logger): Promise<number> {
  const abort = cancel.controller;
  if (!abort.signal.aborted) abort.abort();
  if (!options.scratch.leaveTmpdir) await handles.removeFailedRunFiles();
  // A failed run still leaves an output object ({}) in the --stdout file,
  // so the platform never reads a missing or stale one.
  const stdoutFile = options.outputs.stdout;
  if (stdoutFile !== undefined) {
    await writeFile(stdoutFile, '{}\n').catch((e: unknown) => logger.warn(`--stdout: cannot write the empty output object: ${errorMessage(e)}`));
  }
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
