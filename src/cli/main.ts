#!/usr/bin/env -S node --max-semi-space-size=1
import { toolOutputs } from '../collect/toolOutputs.js';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { Backend } from '../backends/backend.js';
import os from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { ENGINE_OPTIONS, UNSUPPORTED_FLAGS, invalidChoice, scratchPrefix, unsupportedFlag } from './options.js';
import { inspect, isInspection } from './inspect.js';
import { preservedEnvironment, selectProcess } from './selection.js';
import { readStdinJob } from './stdinJob.js';
import { resolveOptions } from './conf.js';
import { existingFile } from './optionParsers.js';
import { checkRunOptions, type RunOptions } from './runOptions.js';
import { splitArgv } from './splitArgv.js';
import { parseToolInputs } from './toolInputs.js';
import { UserError, errorMessage } from '../errors.js';
import { loadJobFile } from '../load/jobFile.js';
import { checkJobRequirements, completeJobObject } from '../validate/jobObject.js';
import { ExpressionEngines } from '../expressions/engines.js';
import { HostBackend } from '../backends/host/hostBackend.js';
import { DEFAULT_BACKOFF, EVICTION_RETRIES } from '../execute/retryPolicy.js';
import { runProcess } from '../execute/runProcess.js';
import { ResourcePool } from '../schedule/resourcePool.js';
import { RequirementSet } from '../model/requirements.js';
import { relocateOutputs, type OutputMode } from '../collect/relocate.js';
import { createLogger, type LogLevel } from '../logger.js';
import { Progress } from '../report/progress.js';
import { formatOutputObject } from '../report/outputObject.js';
import { loadOntologies } from '../load/ontologies.js';
import { uriToPath } from '../load/uri.js';
import { StderrTee } from '../report/tee.js';
import { secretValues } from '../job/secrets.js';
import { UsageReport } from '../report/usageReport.js';
import { RemoteInputs } from '../load/remoteInputs.js';
import { openWorkReuse } from '../execute/cache/reuse.js';

const VERSION = 'bespin 0.1.0 (CWL v1.0, v1.1, v1.2; Calrissian 0.18 and cwltool 3.3 command lines)';
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };
// The shebang keeps V8's young generation small: the engine allocates little per
// step, and a smaller heap makes forking each tool process cheaper.


/** SIGTERM/SIGINT from the first moment: a signal during start-up or loading cancels like one during the run. */
interface Cancellation {
  readonly controller: AbortController;
  by: NodeJS.Signals | undefined;
  onSignal?: (sig: NodeJS.Signals) => void;
  dispose(): void;
}

function watchSignals(): Cancellation {
  const cancel: Cancellation = {
    controller: new AbortController(),
    by: undefined,
    dispose: () => { process.removeListener('SIGINT', handler); process.removeListener('SIGTERM', handler); },
  };
  const handler = (sig: NodeJS.Signals): void => {
    cancel.by = sig;
    cancel.onSignal?.(sig);
    cancel.controller.abort();
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return cancel;
}

export async function main(argv: readonly string[]): Promise<number> {
  const cancel = watchSignals();
  try {
    return await parseAndRun(argv, cancel);
  } finally {
    cancel.dispose();
  }
}

async function parseAndRun(argv: readonly string[], cancel: Cancellation): Promise<number> {
  const split = splitArgv(argv);
  // A cwltool flag bespin knows but cannot honour is not a usage error: one line, exit 33.
  const unsupported = unsupportedFlag(split.engine);
  if (unsupported) {
    process.stderr.write(`ERROR --${unsupported} is not supported: ${UNSUPPORTED_FLAGS[unsupported]}\n`);
    return 33;
  }
  const parser = yargs([...split.engine])
    .scriptName('bespin')
    .usage('$0 [options] <document.cwl> [job.yml] [--input value ...]')
    .version(VERSION)
    .help()
    .strict()
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': false });
  // Defaults are applied after parsing, below the conf files (see resolveOptions).
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) {
    // Numbers reach checkRunOptions as written, so a bad one is named as given rather than as NaN.
    parser.option(name, { type: spec.type === 'number' ? 'string' : spec.type, describe: `${spec.describe}${spec.default !== undefined ? ` [default: ${String(spec.default)}]` : ''}` });
  }
  let opts: Record<string, unknown>;
  let checked: RunOptions;
  try {
    const given = (await parser.parseAsync()) as Record<string, unknown>;
    if (given.help || given.version) return 0;
    if (given.conf !== undefined) existingFile('--conf', given.conf);
    opts = await resolveOptions(given);
    // A value outside an option's choices gets cwltool's own message (exit 2).
    const badChoice = invalidChoice(opts);
    if (badChoice) { process.stderr.write(`bespin: ${badChoice}\n`); return 2; }
    checked = checkRunOptions(opts);
  } catch (error) {
    process.stderr.write(error instanceof UserError ? `ERROR ${error.message}\n` : `bespin: ${errorMessage(error)}\n`);
    return error instanceof UserError ? error.exitCode : 2;
  }
  let tee: StderrTee | undefined;
  try {
    if (typeof opts.stderr === 'string') tee = StderrTee.install(opts.stderr);
  } catch (error) {
    process.stderr.write(`ERROR --stderr ${String(opts.stderr)}: ${errorMessage(error)}\n`);
    return 1;
  }
  try {
    return await run(split, opts, checked, cancel);
  } finally {
    tee?.close();
  }
}

/** One run with resolved options; everything it writes to stderr is also in the --stderr file. */
async function run(split: ReturnType<typeof splitArgv>, opts: Record<string, unknown>, checked: RunOptions, cancel: Cancellation): Promise<number> {
  const level: LogLevel = opts.debug ? 'debug' : opts.quiet ? 'warn' : 'info';
  const logger = await createLogger(level, { timestamps: Boolean(opts.timestamps), plain: typeof opts.stderr === 'string' });
  if (!split.document) {
    process.stderr.write('bespin: no CWL document given\nusage: bespin [options] <document.cwl> [job.yml] [--input value ...]\n');
    return 1;
  }
  let progress: Progress | undefined;
  let backend: Backend | undefined;
  let usage: UsageReport | undefined;
  let remote: RemoteInputs | undefined;
  const jobOutdirs = new Set<string>();
  const engines = new ExpressionEngines(checked.evalTimeoutMs);
  const abort = cancel.controller;
  cancel.onSignal = (sig) => logger.warn(`received ${sig}, cancelling the run`);
  if (cancel.by) logger.warn(`received ${cancel.by}, cancelling the run`);
  // cwltool's --rm-container / --rm-tmpdir undo a --leave-… given earlier (a conf file's, say).
  const leaveContainer = Boolean(opts['leave-container']) && !opts['rm-container'];
  const leaveTmpdir = Boolean(opts['leave-tmpdir']) && !opts['rm-tmpdir'];
  const writeOutputObject = async (text: string): Promise<void> => {
    // cwltool's --write-summary takes the output object's place on standard output.
    if (typeof opts['write-summary'] === 'string') await writeFile(opts['write-summary'], text);
    else process.stdout.write(text);
    if (typeof opts.stdout === 'string') await writeFile(opts.stdout, text);
  };
  try {
    const maxCores = checked.maxCores ?? os.availableParallelism();
    const maxRamBytes = checked.maxRamBytes ?? os.totalmem();
    const maxRamMiB = Math.floor(maxRamBytes / 2 ** 20);
    if (typeof opts['usage-report'] === 'string') usage = new UsageReport(maxCores, maxRamBytes);
    const downloadLimits = checked.downloadLimits;
    if (isInspection(opts, split.toolInputs)) {
      const code = await inspect({ document: split.document, options: opts, toolInputs: split.toolInputs, signal: abort.signal, write: (t) => process.stdout.write(t) });
      if (code !== undefined) return code;
    }
    const selected = await selectProcess(split.document, opts, abort.signal, path.basename(split.document));
    const tool = selected.process;
    const jobFile = split.jobFile === '-' ? await readStdinJob() : split.jobFile ? await loadJobFile(split.jobFile, { signal: abort.signal }) : { inputs: {}, requirements: [] };
    const fromArgs = parseToolInputs(split.toolInputs, tool.inputs, process.cwd());
    const where = split.jobFile === '-' ? 'job object on standard input' : split.jobFile ? `job ${split.jobFile}` : path.basename(split.document);
    checkJobRequirements(tool.originalVersion, jobFile.requirements, where);
    const job = completeJobObject(tool.inputs, { ...jobFile.inputs, ...fromArgs }, where);
    const tmp = os.tmpdir();
    progress = new Progress(process.stderr.isTTY === true && !opts.quiet && typeof opts.stderr !== 'string');
    const outdir = path.resolve(String(opts.outdir ?? '.'));
    const mode: OutputMode = opts['leave-outputs'] ? 'leave' : opts['copy-outputs'] ? 'copy' : 'move';
    const tmpOutdirPrefix = scratchPrefix(opts['tmp-outdir-prefix'], path.join(tmp, 'bespin-out-'));
    const tmpdirPrefix = scratchPrefix(opts['tmpdir-prefix'], path.join(tmp, 'bespin-tmp-'));
    remote = new RemoteInputs({ prefix: tmpOutdirPrefix, limits: downloadLimits, signal: abort.signal, logger });
    const logsOption = opts['tool-logs-basepath'] ?? opts['log-dir'];
    const toolLogsBasepath = typeof logsOption === 'string' ? path.resolve(logsOption) : undefined;
    const preservedEnv = preservedEnvironment(opts);
    const backendName = checked.backend ?? (existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token') && process.env.KUBERNETES_SERVICE_HOST ? 'kubernetes' : 'local');
    if (backendName === 'kubernetes') {
      // Loaded only when asked for: the Kubernetes client costs start-up time.
      const { createKubernetesBackend } = await import('../backends/kubernetes/setup.js');
      const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
      backend = await createKubernetesBackend({
        ...(typeof opts.namespace === 'string' ? { namespace: opts.namespace } : {}),
        volumes: list(opts.volume),
        ...(typeof opts['pod-labels'] === 'string' ? { podLabels: opts['pod-labels'] } : {}),
        ...(typeof opts['pod-env-vars'] === 'string' ? { podEnvVars: opts['pod-env-vars'] } : {}),
        ...(typeof opts['pod-nodeselectors'] === 'string' ? { podNodeSelectors: opts['pod-nodeselectors'] } : {}),
        ...(typeof opts['network-access-pod-label'] === 'string' ? { networkAccessPodLabel: opts['network-access-pod-label'] } : {}),
        ...(typeof opts['no-network-access-pod-label'] === 'string' ? { noNetworkAccessPodLabel: opts['no-network-access-pod-label'] } : {}),
        ...(typeof opts['pod-serviceaccount'] === 'string' ? { serviceAccount: opts['pod-serviceaccount'] } : {}),
        ...(typeof opts['pod-priority-class'] === 'string' ? { priorityClass: opts['pod-priority-class'] } : {}),
        envFromSecrets: list(opts['env-from-secret']),
        envFromConfigMaps: list(opts['env-from-configmap']),
        imagePullSecrets: list(opts['pod-image-pull-secret']),
        ...(toolLogsBasepath ? { toolLogsBasepath } : {}),
        leaveContainer,
        allowRoot: Boolean(opts['pod-allow-root']),
        unschedulableTimeoutSeconds: checked.unschedulableTimeoutSeconds,
        defaultImage: typeof opts['default-container'] === 'string' ? opts['default-container'] : 'docker.io/debian:stable-slim',
        forcePull: Boolean(opts['force-docker-pull']),
        retry: checked.apiRetry,
        logger,
      });
    } else {
      backend = new HostBackend({
        containers: !opts['no-container'], ...(toolLogsBasepath ? { toolLogsBasepath } : {}),
        docker: {
          forcePull: Boolean(opts['force-docker-pull']), leaveContainer,
          matchUser: !opts['no-match-user'], strictMemoryLimit: Boolean(opts['strict-memory-limit']), disablePull: Boolean(opts['disable-pull']),
        },
      });
    }
    const ctx = {
      backend,
      engines,
      ontologies: await loadOntologies(tool, (m) => logger.warn(m)),
      logger,
      collect: toolOutputs,
      ...(typeof opts['default-container'] === 'string' ? { defaultContainer: opts['default-container'] } : {}),
      tmpOutdirPrefix,
      tmpdirPrefix,
      leaveTmpdir,
      strict: Boolean(opts.strict) && !opts['non-strict'],
      ...(preservedEnv ? { preservedEnv } : {}),
      signal: abort.signal,
      pool: new ResourcePool({ cores: maxCores, ram: maxRamMiB, gpus: checked.maxGpus }),
      onError: checked.onError,
      progress,
      jobOutdirs,
      retry: {
        temporaryFailures: checked.retries, evictions: EVICTION_RETRIES,
        oomKills: checked.oomRetries, backoff: DEFAULT_BACKOFF,
      },
      ...(usage ? { usage } : {}),
      remote,
      ...(typeof opts.cachedir === 'string' ? { reuse: await openWorkReuse(path.resolve(opts.cachedir)) } : {}),
      // The top-level process's Secrets name job-object inputs; tools add their own as they run.
      secrets: new Set(secretValues(RequirementSet.forProcess(tool), job)),
    };
    const name = tool.id ? tool.id.split(/[#/]/).pop()! : path.basename(split.document);
    const fromJob = jobFile.requirements.length > 0 ? RequirementSet.fromJobObject(jobFile.requirements) : undefined;
    const enclosing = selected.enclosing;
    const inherited = enclosing ? RequirementSet.forProcess(enclosing.workflow, fromJob).withLayer(enclosing.step.requirements, enclosing.step.hints) : fromJob;
    const outputs = await runProcess(tool, job, inherited, ctx, name || path.basename(uriToPath(split.document)), true);
    const final = await relocateOutputs(outputs, outdir, mode, jobOutdirs, job);
    if (mode !== 'leave' && !leaveTmpdir) {
      // Intermediate outputs nobody asked for go with their directories.
      await Promise.all([...jobOutdirs].map((d) => rm(d, { recursive: true, force: true })));
      await remote.remove();
    }
    await writeOutputObject(`${formatOutputObject(final)}\n`);
    logger.info('Final process status is success');
    return 0;
  } catch (error) {
    // Whatever still runs stops, and nothing of a failed run stays behind
    // unless asked for: its outputs were never relocated.
    if (!abort.signal.aborted) abort.abort();
    if (!leaveTmpdir) {
      await removeJobDirectories(jobOutdirs, backend);
      await remote?.remove();
    }
    // A failed run still leaves an output object ({}) in the --stdout file,
    // so the platform never reads a missing or stale one.
    if (typeof opts.stdout === 'string') await writeFile(opts.stdout, '{}\n').catch((e: unknown) => logger.warn(`--stdout: cannot write the empty output object: ${errorMessage(e)}`));
    // The one message a user reads is plain text, whatever the log format.
    const cancelledBy = cancel.by;
    if (cancelledBy) {
      process.stderr.write(`ERROR run cancelled by ${cancelledBy}${backend?.cancelNote ? `; ${backend.cancelNote}` : ''}\n`);
      logger.warn('Final process status is permanentFail');
      return 128 + (SIGNAL_NUMBERS[cancelledBy] ?? 15);
    }
    if (error instanceof UserError) {
      process.stderr.write(`ERROR ${error.message}\n`);
      if (error.exitCode === 1) logger.warn('Final process status is permanentFail');
      return error.exitCode;
    }
    logger.debug({ err: error }, 'internal error');
    process.stderr.write(`ERROR internal error (a bug in bespin, please report it): ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await backend?.close().catch((e: unknown) => logger.warn(`cannot shut the backend down cleanly (step pods or containers may be left): ${errorMessage(e)}`));
    if (usage && typeof opts['usage-report'] === 'string') {
      await usage.write(opts['usage-report']).catch((error: unknown) => process.stderr.write(`ERROR --usage-report ${String(opts['usage-report'])}: ${errorMessage(error)}\n`));
    }
    progress?.close();
    await engines.close();
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;

/**
 * Removes a failed run's job directories. Pods are deleted first (a pod may
 * still be writing into its directory on the claim); the jobs' own clean-up
 * runs concurrently, so this is a second pass over the same set.
 */
async function removeJobDirectories(jobOutdirs: ReadonlySet<string>, backend: Backend | undefined): Promise<void> {
  // A failed close is reported by the second one, in run's finally.
  await backend?.close().catch(() => undefined);
  await Promise.all([...jobOutdirs].flatMap((d) => [rm(d, { recursive: true, force: true }), rm(`${d}.stage`, { recursive: true, force: true })]));
}
