#!/usr/bin/env -S node --max-semi-space-size=1
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { Backend } from '../backends/backend.js';
import os from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { ENGINE_OPTIONS, scratchPrefix } from './options.js';
import { splitArgv } from './splitArgv.js';
import { parseToolInputs } from './toolInputs.js';
import { UserError, ValidationError, errorMessage } from '../errors.js';
import { loadProcess } from '../load/loadProcess.js';
import { loadJobFile } from '../load/jobFile.js';
import { completeJobObject } from '../validate/jobObject.js';
import { ExpressionEngines } from '../build/expressionEngines.js';
import { ProcessBackend } from '../backends/local/processBackend.js';
import { DockerBackend } from '../backends/docker/dockerBackend.js';
import { runProcess } from '../execute/runProcess.js';
import { ResourcePool } from '../schedule/resourcePool.js';
import { parseQuantityMiB } from '../schedule/quantity.js';
import { RequirementSet } from '../build/requirements.js';
import { relocateOutputs, type OutputMode } from '../collect/relocate.js';
import { createLogger, type LogLevel } from '../report/logger.js';
import { makeTemplate } from '../report/template.js';
import { Progress } from '../report/progress.js';
import { workflowDot } from '../report/dot.js';
import { formatOutputObject } from '../report/outputObject.js';
import { loadOntologies } from '../load/ontologies.js';
import { uriToPath } from '../load/uri.js';

const VERSION = '0.1.0';
// The shebang keeps V8's young generation small: the engine allocates little per
// step, and a smaller heap makes forking each tool process cheaper.


export async function main(argv: readonly string[]): Promise<number> {
  const split = splitArgv(argv);
  const parser = yargs([...split.engine])
    .scriptName('bespin')
    .usage('$0 [options] <document.cwl> [job.yml] [--input value ...]')
    .version(VERSION)
    .help()
    .strict()
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': false });
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) {
    parser.option(name, { type: spec.type, describe: spec.describe, ...(spec.default !== undefined ? { default: spec.default } : {}) });
  }
  let opts: Record<string, unknown>;
  try {
    opts = (await parser.parseAsync()) as Record<string, unknown>;
  } catch (error) {
    process.stderr.write(`bespin: ${errorMessage(error)}\n`);
    return 2;
  }
  if (opts.help || opts.version) return 0;
  const level: LogLevel = opts.debug ? 'debug' : opts.quiet ? 'warn' : 'info';
  const logger = await createLogger(level, { timestamps: Boolean(opts.timestamps), ...(typeof opts.stderr === 'string' ? { destination: opts.stderr } : {}) });
  if (!split.document) {
    process.stderr.write('bespin: no CWL document given\nusage: bespin [options] <document.cwl> [job.yml] [--input value ...]\n');
    return 1;
  }
  let progress: Progress | undefined;
  let cluster: { shutdown(): Promise<void> } & Backend | undefined;
  const engines = new ExpressionEngines(Number(opts['eval-timeout'] ?? 60) * 1000);
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    logger.warn(`received ${sig}, stopping`);
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const tool = await loadProcess(split.document);
    if (opts.validate) {
      process.stdout.write(`${split.document} is valid CWL.\n`);
      return 0;
    }
    if (opts['print-dot']) {
      if (tool.class !== 'Workflow') throw new ValidationError(`${split.document}: --print-dot needs a Workflow, not a ${tool.class}`);
      process.stdout.write(workflowDot(tool));
      return 0;
    }
    if (opts['make-template']) {
      process.stdout.write(makeTemplate(tool.inputs));
      return 0;
    }
    const jobFile = split.jobFile ? await loadJobFile(split.jobFile) : { inputs: {}, requirements: [] };
    const fromArgs = parseToolInputs(split.toolInputs, tool.inputs, process.cwd());
    const where = split.jobFile ? `job ${split.jobFile}` : path.basename(split.document);
    const job = completeJobObject(tool.inputs, { ...jobFile.inputs, ...fromArgs }, where);
    const tmp = os.tmpdir();
    const jobOutdirs = new Set<string>();
    progress = new Progress(process.stderr.isTTY === true && !opts.quiet && typeof opts.stderr !== 'string');
    const outdir = path.resolve(String(opts.outdir ?? '.'));
    const mode: OutputMode = opts['leave-outputs'] ? 'leave' : opts['copy-outputs'] ? 'copy' : 'move';
    const tmpOutdirPrefix = scratchPrefix(opts['tmp-outdir-prefix'], path.join(tmp, 'bespin-out-'));
    const tmpdirPrefix = scratchPrefix(opts['tmpdir-prefix'], path.join(tmp, 'bespin-tmp-'));
    const backendName = String(opts.backend ?? (existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token') && process.env.KUBERNETES_SERVICE_HOST ? 'kubernetes' : 'local'));
    if (backendName !== 'local' && backendName !== 'kubernetes') throw new ValidationError(`--backend must be local or kubernetes, not '${backendName}'`);
    if (backendName === 'kubernetes') {
      // Loaded only when asked for: the Kubernetes client costs start-up time.
      const { createKubernetesBackend } = await import('../backends/kubernetes/setup.js');
      const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
      cluster = await createKubernetesBackend({
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
        ...(typeof opts['tool-logs-basepath'] === 'string' ? { toolLogsBasepath: path.resolve(opts['tool-logs-basepath']) } : {}),
        leaveContainer: Boolean(opts['leave-container']),
        unschedulableTimeoutSeconds: Number(opts['unschedulable-timeout'] ?? 300),
        defaultImage: typeof opts['default-container'] === 'string' ? opts['default-container'] : 'docker.io/debian:stable-slim',
        forcePull: Boolean(opts['force-docker-pull']),
        oomRetries: Math.max(0, Number(opts['oom-retry'] ?? 0)),
        maxRamMiB: typeof opts['max-ram'] === 'string' ? parseQuantityMiB(opts['max-ram']) : Math.floor(os.totalmem() / 2 ** 20),
        logger,
      });
    }
    const ctx = {
      local: new ProcessBackend(),
      ...(cluster ? { cluster } : {}),
      docker: new DockerBackend({ forcePull: Boolean(opts['force-docker-pull']), leaveContainer: Boolean(opts['leave-container']) }),
      engines,
      ontologies: await loadOntologies(tool),
      logger,
      useContainer: !opts['no-container'],
      ...(typeof opts['default-container'] === 'string' ? { defaultContainer: opts['default-container'] } : {}),
      tmpOutdirPrefix,
      tmpdirPrefix,
      leaveTmpdir: Boolean(opts['leave-tmpdir']),
      signal: abort.signal,
      pool: new ResourcePool({
        cores: typeof opts['max-cores'] === 'number' ? opts['max-cores'] : os.availableParallelism(),
        ram: typeof opts['max-ram'] === 'string' ? parseQuantityMiB(opts['max-ram']) : Math.floor(os.totalmem() / 2 ** 20),
        gpus: typeof opts['max-gpus'] === 'number' ? opts['max-gpus'] : 0,
      }),
      onError: opts['on-error'] === 'continue' ? 'continue' as const : 'stop' as const,
      progress,
      jobOutdirs,
      retries: Math.max(0, Number(opts.retries ?? 0)),
    };
    const name = tool.id ? tool.id.split(/[#/]/).pop()! : path.basename(split.document);
    const inherited = jobFile.requirements.length > 0 ? RequirementSet.fromJobObject(jobFile.requirements) : undefined;
    const outputs = await runProcess(tool, job, inherited, ctx, name || path.basename(uriToPath(split.document)), true);
    const final = await relocateOutputs(outputs, outdir, mode, jobOutdirs);
    if (mode !== 'leave' && !opts['leave-tmpdir']) {
      // Intermediate outputs nobody asked for go with their directories.
      await Promise.all([...jobOutdirs].map((d) => rm(d, { recursive: true, force: true })));
    }
    const text = `${formatOutputObject(final)}\n`;
    if (typeof opts.stdout === 'string') await writeFile(opts.stdout, text);
    else process.stdout.write(text);
    logger.info('Final process status is success');
    return 0;
  } catch (error) {
    // The one message a user reads is plain text, whatever the log format.
    if (error instanceof UserError) {
      process.stderr.write(`ERROR ${error.message}\n`);
      if (error.exitCode === 1) logger.warn('Final process status is permanentFail');
      return error.exitCode;
    }
    logger.debug({ err: error }, 'internal error');
    process.stderr.write(`ERROR internal error (a bug in bespin, please report it): ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await cluster?.shutdown().catch(() => undefined);
    progress?.close();
    await engines.close();
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
