import { errorMessage } from '../errors.js';
import { ExpressionEngines } from '../expressions/engines.js';
import { runProcess } from '../execute/runProcess.js';
import { SecretMask } from '../job/secrets.js';
import { createLogger, type LogLevel } from '../logger.js';
import { StderrTee } from '../report/tee.js';
import { watchSignals, type Cancellation } from './cancellation.js';
import { readCommandLine, type CommandLine } from './commandLine.js';
import { isInspection } from './inspection.js';
import { failRun, finishRun } from './runEnding.js';
import { RunHandles } from './runHandles.js';
import { openRunContext, runLimits, usageReportFile } from './runSetup.js';
import { loadTopLevelJob } from './topLevelJob.js';

type RunCommandLine = Extract<CommandLine, { kind: 'run' }>;

export async function main(argv: readonly string[]): Promise<number> {
  const cancel = watchSignals();
  try {
    const commandLine = await readCommandLine(argv);
    if (commandLine.kind === 'exit') return commandLine.code;
    return await runWithStderrTee(commandLine, cancel);
  } finally {
    cancel.dispose();
  }
}

/** --stderr FILE: everything the run writes to stderr is also in the file. */
async function runWithStderrTee(commandLine: RunCommandLine, cancel: Cancellation): Promise<number> {
  const file = commandLine.options.stderr;
  let tee: StderrTee | undefined;
  try {
    if (typeof file === 'string') tee = StderrTee.install(file);
  } catch (error) {
    process.stderr.write(`ERROR --stderr ${String(file)}: ${errorMessage(error)}\n`);
    return 1;
  }
  try {
    return await run(commandLine, cancel);
  } finally {
    tee?.close();
  }
}

/**
 * One run with resolved options: an inspection (--validate, --pack, …), or
 * load the process and its job object, open the backend, run, and report.
 * The backend is closed only after every step has settled, however the run ends.
 */
async function run({ split, options, checked }: RunCommandLine, cancel: Cancellation): Promise<number> {
  const level: LogLevel = options.debug ? 'debug' : options.quiet ? 'warn' : 'info';
  const secrets = new SecretMask();
  const logger = await createLogger(level, { timestamps: Boolean(options.timestamps), plain: typeof options.stderr === 'string', mask: secrets });
  const document = split.document;
  if (!document) {
    process.stderr.write('bespin: no CWL document given\nusage: bespin [options] <document.cwl> [job.yml] [--input value ...]\n');
    return 1;
  }
  cancel.onSignal = (sig) => logger.warn(`received ${sig}, cancelling the run`);
  if (cancel.by) logger.warn(`received ${cancel.by}, cancelling the run`);
  const signal = cancel.controller.signal;
  const warn = (message: string): void => logger.warn(message);
  const limits = runLimits(checked);
  const handles = new RunHandles(new ExpressionEngines(checked.evalTimeoutMs, checked.expressionResidentMemoryMb), usageReportFile(options, limits), secrets);
  try {
    if (isInspection(options, split.toolInputs)) {
      const { inspect } = await import('./inspect.js');
      const code = await inspect({ document, options, toolInputs: split.toolInputs, signal, write: (t) => process.stdout.write(t), warn });
      if (code !== undefined) return code;
    }
    const top = await loadTopLevelJob(document, split, options, signal, warn);
    const ctx = await openRunContext({ process: top.process, job: top.job, options, checked, limits, logger, signal }, handles);
    const outputs = await runProcess(top.process, top.job, top.inherited, ctx, top.name, true);
    return await finishRun(outputs, top.job, handles, options, logger, top.name);
  } catch (error) {
    return await failRun(error, handles, cancel, options, logger);
  } finally {
    await handles.close(logger);
  }
}

