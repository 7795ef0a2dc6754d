import { errorMessage } from '../errors.js';
import { ExpressionEngines } from '../expressions/engines.js';
import { runProcess } from '../execute/runProcess.js';
import { protectEngineCredentials } from '../files/hostEntry.js';
import { SecretMask } from '../job/secrets.js';
import { createLogger } from '../logger.js';
import { StderrTee } from '../report/tee.js';
import { watchSignals, type Cancellation } from './cancellation.js';
import { readCommandLine, type CommandLine } from './commandLine.js';
import { asksToolHelp, isInspection } from './inspection.js';
import { failRun, finishRun, type StartedRun } from './runEnding.js';
import { RunHandles } from './runHandles.js';
import { openRunContext, runLimits, usageReportFile } from './runSetup.js';
import { loadTopLevelJob } from './topLevelJob.js';
import { toolOfJobFile } from './jobTool.js';

type RunCommandLine = Extract<CommandLine, { kind: 'run' }>;

/** A whole run of the engine: `argv` after the node and script paths, `env` the engine's environment (read nowhere else). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const cancel = watchSignals();
  try {
    const commandLine = await readCommandLine(argv, env);
    if (commandLine.kind === 'exit') return commandLine.code;
    return await runWithStderrTee(commandLine, cancel);
  } finally {
    cancel.dispose();
  }
}

/** --stderr FILE: everything the run writes to stderr is also in the file. */
async function runWithStderrTee(commandLine: RunCommandLine, cancel: Cancellation): Promise<number> {
  const file = commandLine.options.log.stderrFile;
  let tee: StderrTee | undefined;
  try {
    if (file !== undefined) tee = StderrTee.install(file);
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
async function run({ split: given, options, warnings }: RunCommandLine, cancel: Cancellation): Promise<number> {
  // The run's secrets, owned here: the tool runner adds each tool's, and the
  // logger and every ERROR line (runEnding.ts) are masked with them.
  const secrets = new SecretMask();
  const { level, timestamps, format, stderrFile } = options.log;
  const logger = createLogger(level, { timestamps, format, plain: stderrFile !== undefined, mask: secrets });
  // The command line's warnings, through the logger: after --stderr's tee, so the file has them too.
  for (const warning of warnings) logger.warn(warning);
  if (!given.document) {
    process.stderr.write('bespin: no CWL document given\nusage: bespin [options] <document.cwl> [job.yml] [--input value ...]\n');
    return 1;
  }
  cancel.onSignal = (sig) => logger.warn(`received ${sig}, cancelling the run`);
  if (cancel.by) logger.warn(`received ${cancel.by}, cancelling the run`);
  const signal = cancel.controller.signal;
  const warn = (message: string): void => logger.warn(message);
  // Before any document is read: the read gates refuse the engine's own kubeconfigs.
  protectEngineCredentials(options.credentials);
  const limits = runLimits(options.run);
  const handles = new RunHandles(new ExpressionEngines(options.run.evalTimeoutMs, options.run.expressionResidentMemoryMb), usageReportFile(options.run.usageReport, limits), secrets);
  let started: StartedRun | undefined;
  try {
    const split = await toolOfJobFile(given, options.document.limits, signal);
    const document = split.document!;
    if (isInspection(options.inspect, split.toolInputs)) {
      const { inspect } = await import('./inspect.js');
      // As cwltool: a job given with --validate is checked against the document's inputs.
      const checkJob = split.jobFile !== undefined || (split.toolInputs.length > 0 && !asksToolHelp(split.toolInputs)) ? () => loadTopLevelJob(document, split, options.document, signal, warn) : undefined;
      const request = { document, shownAs: given.document, flags: options.inspect, loading: options.document, toolInputs: split.toolInputs, signal, write: (t: string) => process.stdout.write(t), warn, ...(checkJob ? { checkJob } : {}) };
      const code = await inspect(request);
      if (code !== undefined) return code;
    }
    const top = await loadTopLevelJob(document, split, options.document, signal, warn);
    const ctx = await openRunContext({ process: top.process, job: top.job, options, limits, logger, signal }, handles);
    started = { job: top.job, document: top.name, tool: top.process.class !== 'Workflow' };
    const outputs = await runProcess(top.process, top.job, top.inherited, ctx, top.name, true);
    return await finishRun(outputs, top.job, handles, options.outputs, logger, top.name);
  } catch (error) {
    return await failRun(error, handles, cancel, options, logger, started);
  } finally {
    await handles.close(logger);
  }
}

