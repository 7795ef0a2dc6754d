import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { relocateOutputs, type OutputMode } from '../collect/relocate.js';
import { UserError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { formatOutputObject } from '../report/outputObject.js';
import { signalExitCode, type Cancellation } from './cancellation.js';
import type { OptionValues } from './conf.js';
import type { RunHandles } from './runHandles.js';
import { leavesTmpdir } from './runSetup.js';
import { removeTrees } from '../execute/jobDirectories.js';

/**
 * A run that succeeded: outputs go to --outdir (moved, copied or left), the
 * intermediate ones nobody asked for go with their directories, and the
 * output object is written. Exit code 0.
 */
export async function finishRun(
  outputs: Record<string, unknown>, job: Record<string, unknown>, handles: RunHandles, options: OptionValues, logger: Logger, document: string,
): Promise<number> {
  const outdir = path.resolve(String(options.outdir ?? '.'));
  const mode: OutputMode = options['leave-outputs'] ? 'leave' : options['copy-outputs'] ? 'copy' : 'move';
  const final = await relocateOutputs(outputs, outdir, mode, handles.jobOutdirs, job, document);
  if (mode !== 'leave' && !leavesTmpdir(options)) {
    await removeTrees(handles.jobOutdirs);
    await handles.remote?.remove();
  }
  const text = `${formatOutputObject(final)}\n`;
  // cwltool's --write-summary takes the output object's place on standard output.
  if (typeof options['write-summary'] === 'string') await writeFile(options['write-summary'], text);
  else process.stdout.write(text);
  if (typeof options.stdout === 'string') await writeFile(options.stdout, text);
  logger.info('Final process status is success');
  return 0;
}

/**
 * A run that failed or was cancelled: whatever still runs stops, and nothing
 * of it stays behind unless asked for (its outputs were never relocated).
 * Returns the exit code after one plain-text line on stderr, whatever the
 * log format.
 */
export async function failRun(error: unknown, handles: RunHandles, cancel: Cancellation, options: OptionValues, logger: Logger): Promise<number> {
  const abort = cancel.controller;
  if (!abort.signal.aborted) abort.abort();
  if (!leavesTmpdir(options)) await handles.removeFailedRunFiles();
  // A failed run still leaves an output object ({}) in the --stdout file,
  // so the platform never reads a missing or stale one.
  if (typeof options.stdout === 'string') {
    await writeFile(options.stdout, '{}\n').catch((e: unknown) => logger.warn(`--stdout: cannot write the empty output object: ${errorMessage(e)}`));
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
