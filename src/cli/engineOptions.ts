import os from 'node:os';
import path from 'node:path';
import type { OutputMode } from '../collect/relocate.js';
import type { JobSettings } from '../execute/jobAttempts.js';
import type { RequestPolicy } from '../job/resources.js';
import type { LoadLimits } from '../load/limits.js';
import type { LogFormat, LogLevel } from '../logger.js';
import { backendOptions, type BackendOptions } from './backendOptions.js';
import type { OptionValues } from './conf.js';
import { readEnvironment } from './environment.js';
import { scratchPrefix } from './options.js';
import { checkRunSettings, listOf, type RunSettings } from './runOptions.js';

/**
 * Everything a run is told, typed and checked once where it enters: the
 * command line over the conf files over the defaults, and every environment
 * variable the engine reads. readCommandLine builds it; below the CLI the
 * engine takes its parts and never reads an option by name nor the environment.
 */
export interface EngineOptions {
  readonly log: LogOptions;
  readonly inspect: InspectFlags;
  readonly document: DocumentOptions;
  readonly outputs: OutputOptions;
  readonly scratch: ScratchOptions;
  readonly run: RunSettings;
  /** How every tool job is built: --default-container, --preserve-environment, the engine's PATH. */
  readonly jobs: JobSettings;
  readonly backend: BackendOptions;
  /** The engine's own kubeconfig files (KUBECONFIG's, else ~/.kube/config): never read for a document. */
  readonly credentials: readonly string[];
}

/** --debug, --quiet, --no-warnings, --timestamps, --log-format, --stderr FILE. */
export interface LogOptions {
  readonly level: LogLevel;
  readonly timestamps: boolean;
  readonly format: LogFormat;
  /** --stderr FILE: everything shown on stderr is also written here. */
  readonly stderrFile: string | undefined;
  /** Whether a terminal gets the live progress line (not under --quiet, nor with --stderr). */
  readonly progress: boolean;
}

/** The actions that look at the document and run nothing. */
export interface InspectFlags {
  readonly pack: boolean;
  readonly validate: boolean;
  readonly printDot: boolean;
  readonly makeTemplate: boolean;
  /** --print-targets: the workflow's inputs, outputs and steps, as cwltool lists them. */
  readonly printTargets: boolean;
  /** --print-deps: the documents the document depends on, as cwltool prints them. */
  readonly printDeps: boolean;
}

/** How the document and job file are loaded, and what part of the document runs. */
export interface DocumentOptions {
  /** BESPIN_MAX_DOCUMENT_BYTES / BESPIN_MAX_JOB_FILE_BYTES over the built-in limits. */
  readonly limits: LoadLimits;
  /** Where schema verdicts are remembered between runs (BESPIN_CACHE_DIR, …); undefined: nowhere. */
  readonly validationCacheDir: string | undefined;
  /** --enable-ext: cwltool's extensions are allowed. */
  readonly enableExt: boolean;
  /** --non-strict (not undone by --strict): fields the schema does not name are warnings, as in cwltool; by default, as in cwltool, they are refused. */
  readonly nonStrict: boolean;
  /** --overrides FILE. */
  readonly overrides: string | undefined;
  /** --single-step STEP. */
  readonly singleStep: string | undefined;
  /** --target (repeatable). */
  readonly targets: readonly string[];
}

/** Where the final outputs and the output object go. */
export interface OutputOptions {
  /** --outdir, absolute. */
  readonly outdir: string;
  /** --move-outputs (the default), --copy-outputs, --leave-outputs. */
  readonly mode: OutputMode;
  /** --write-summary FILE: the output object goes there instead of standard output. */
  readonly writeSummary: string | undefined;
  /** --stdout FILE: the output object also goes there (the partial one when the run fails). */
  readonly stdout: string | undefined;
}

/** The scratch prefixes, absolute (a trailing `/` kept: a directory to make them in), and whether job directories stay. */
export interface ScratchOptions {
  readonly tmpOutdirPrefix: string;
  readonly tmpdirPrefix: string;
  /** --leave-tmpdir (undone by a later --rm-tmpdir). */
  readonly leaveTmpdir: boolean;
}

/** The typed record of a command line's resolved option values and the environment; throws a UsageError naming the first bad one. */
export function engineOptions(values: OptionValues, env: NodeJS.ProcessEnv): EngineOptions {
  const environment = readEnvironment(env);
  const run = checkRunSettings(values, environment);
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const backend = backendOptions(values, run, environment);
  const flag = (name: string): boolean => Boolean(values[name]);
  const tmp = os.tmpdir();
  const defaultContainer = text('default-container');
  const preservedEnv = preservedEnvironment(values, environment.variables);
  return {
    log: {
      level: flag('debug') ? 'debug' : flag('no-warnings') ? 'error' : flag('quiet') ? 'warn' : 'info', timestamps: flag('timestamps'),
      format: text('log-format') === 'json' ? 'json' : 'text', stderrFile: text('stderr'), progress: !flag('quiet') && text('stderr') === undefined,
    },
    inspect: {
      pack: flag('pack'), validate: flag('validate'), printDot: flag('print-dot'), makeTemplate: flag('make-template'),
      printTargets: flag('print-targets'), printDeps: flag('print-deps'),
    },
    document: {
      limits: environment.loadLimits, validationCacheDir: environment.cacheDir, enableExt: values['enable-ext'] === true,
      nonStrict: flag('non-strict') && !flag('strict'),
      overrides: text('overrides'), singleStep: text('single-step'), targets: listOf(values.target),
    },
    outputs: {
      outdir: path.resolve(String(values.outdir ?? '.')),
      mode: flag('leave-outputs') ? 'leave' : flag('copy-outputs') ? 'copy' : 'move',
      writeSummary: text('write-summary'), stdout: text('stdout'),
    },
    scratch: {
      tmpOutdirPrefix: scratchPrefix(values['tmp-outdir-prefix'], path.join(tmp, 'bespin-out-')),
      tmpdirPrefix: scratchPrefix(values['tmpdir-prefix'], path.join(tmp, 'bespin-tmp-')),
      // cwltool's --rm-tmpdir undoes a --leave-tmpdir given earlier (a conf file's, say).
      leaveTmpdir: flag('leave-tmpdir') && !flag('rm-tmpdir'),
    },
    run,
    jobs: {
      ...(defaultContainer !== undefined ? { defaultContainer } : {}),
      ...(preservedEnv ? { preservedEnv } : {}),
      ...(environment.path !== undefined ? { hostPath: environment.path } : {}),
      ...(backend.kind === 'kubernetes' ? { requests: requestPolicy(text('pod-requests'), run) } : {}),
    },
    backend,
    credentials: environment.cluster.kubeconfigs,
  };
}

/** --preserve-environment VAR (repeatable) and --preserve-entire-environment: the engine's variables a tool sees. */
function preservedEnvironment(values: OptionValues, variables: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const names = values['preserve-entire-environment'] ? Object.keys(variables) : listOf(values['preserve-environment']);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.flatMap((n) => (variables[n] === undefined ? [] : [[n, variables[n]] as const])));
}

/**
 * --pod-requests (its choices are checked with the other options'):
 * Calrissian's maximum, capped as Calrissian caps it (--max-ram in decimal
 * megabytes, compared with MiB), or cwltool's minimum.
 */
function requestPolicy(choice: string | undefined, run: RunSettings): RequestPolicy {
  if (choice === 'min-max') return { kind: 'minimum' };
  return {
    kind: 'maximum',
    ...(run.maxCores !== undefined ? { maxCores: run.maxCores } : {}),
    ...(run.maxRamBytes !== undefined ? { maxRamMiB: run.maxRamBytes / 1e6 } : {}),
  };
}
