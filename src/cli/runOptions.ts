import path from 'node:path';
import type { DownloadLimits } from '../files/http.js';
import { DEFAULT_DOWNLOAD_LIMITS, DOWNLOAD_LIMIT_NAMES } from '../files/http.js';
import { UsageError } from '../errors.js';
import type { OptionValues } from './conf.js';
import type { EngineEnvironment } from './environment.js';
import { byteQuantity, choice, coreQuantity, existingFile, seconds, wholeNumber } from './optionParsers.js';

/** How the run goes: its budgets, retries, time limits and what a failure does. */
export interface RunSettings {
  readonly retries: number;
  readonly oomRetries: number;
  readonly maxGpus: number;
  /** --max-cores; undefined: the machine's. */
  readonly maxCores: number | undefined;
  /** --max-ram in bytes; undefined: the machine's. */
  readonly maxRamBytes: number | undefined;
  readonly evalTimeoutMs: number;
  /** BESPIN_EXPRESSION_MAX_RSS in MiB: how much one evaluation may grow the engine's resident memory; undefined: the default. */
  readonly expressionResidentMemoryMb: number | undefined;
  readonly unschedulableTimeoutSeconds: number;
  readonly downloadLimits: DownloadLimits;
  readonly onError: 'stop' | 'continue';
  /** --strict (undone by a later --non-strict). */
  readonly strict: boolean;
  /** --backend; undefined: chosen by where the engine runs. */
  readonly backend: 'local' | 'kubernetes' | undefined;
  /** --cachedir, absolute: work reuse. */
  readonly cachedir: string | undefined;
  /** --usage-report FILE. */
  readonly usageReport: string | undefined;
}

/** Options naming a file the run reads (Calrissian's pod files, cwltool's overrides). */
const INPUT_FILE_OPTIONS = ['pod-labels', 'pod-env-vars', 'pod-nodeselectors', 'network-access-pod-label', 'no-network-access-pod-label', 'overrides'] as const;

/** `--volume CLAIM:ABSOLUTE_MOUNT_PATH[:ro]`, as the Kubernetes backend reads it. */
const VOLUME = /^[^:]+:\/[^:]*(:ro)?$/;

/**
 * Every numeric, quantity, enum and must-exist-file option of a run, checked
 * once where it enters (command line over conf files); throws a UsageError
 * naming the first bad one.
 */
export function checkRunSettings(opts: OptionValues, environment: EngineEnvironment): RunSettings {
  const given = (name: string): unknown => opts[name];
  const or = <T>(name: string, parse: (flag: string, raw: unknown) => T, fallback: T): T => (given(name) === undefined ? fallback : parse(`--${name}`, given(name)));
  for (const name of INPUT_FILE_OPTIONS) if (given(name) !== undefined) existingFile(`--${name}`, given(name));
  for (const spec of listOf(given('volume'))) {
    if (!VOLUME.test(spec)) throw new UsageError(`--volume: '${spec}' is not CLAIM:ABSOLUTE_MOUNT_PATH[:ro]`);
  }
  return {
    retries: or('retries', (f, v) => wholeNumber(f, v), 0),
    oomRetries: or('oom-retry', (f, v) => wholeNumber(f, v), 0),
    maxGpus: or('max-gpus', (f, v) => wholeNumber(f, v), 0),
    maxCores: or('max-cores', coreQuantity, undefined),
    // Below 1 MiB the pool (which counts MiB) could admit no step at all.
    maxRamBytes: or('max-ram', (f, v) => byteQuantity(f, v, 2 ** 20), undefined),
    evalTimeoutMs: or('eval-timeout', (f, v) => seconds(f, v), 60) * 1000,
    expressionResidentMemoryMb: environment.expressionResidentMemoryMb,
    unschedulableTimeoutSeconds: or('unschedulable-timeout', (f, v) => seconds(f, v), 300),
    downloadLimits: downloadLimits(opts, environment.download),
    onError: or('on-error', (f, v) => choice(f, v, ['stop', 'continue'] as const), 'stop'),
    strict: Boolean(given('strict')) && !given('non-strict'),
    backend: or('backend', (f, v) => choice(f, v, ['local', 'kubernetes'] as const), undefined),
    cachedir: typeof given('cachedir') === 'string' ? path.resolve(given('cachedir') as string) : undefined,
    usageReport: typeof given('usage-report') === 'string' ? given('usage-report') as string : undefined,
  };
}

/**
 * --max-download-size / --download-timeout, each over its environment
 * variable (BESPIN_MAX_DOWNLOAD_BYTES, BESPIN_DOWNLOAD_TIMEOUT), over the
 * default. A variable is checked only when its option does not override it.
 */
export function downloadLimits(opts: OptionValues, variables: EngineEnvironment['download']): DownloadLimits {
  const pick = (option: unknown, variable: string, text: string | undefined): { name: string; raw: unknown } | undefined => {
    if (option !== undefined) return { name: '', raw: option };
    return text === undefined ? undefined : { name: variable, raw: text };
  };
  const names = DOWNLOAD_LIMIT_NAMES;
  const size = pick(opts['max-download-size'], names.maxBytes.variable, variables.maxBytes);
  const time = pick(opts['download-timeout'], names.timeoutMs.variable, variables.timeout);
  return {
    maxBytes: size ? byteQuantity(size.name || names.maxBytes.option, size.raw) : DEFAULT_DOWNLOAD_LIMITS.maxBytes,
    timeoutMs: time ? Math.ceil(seconds(time.name || names.timeoutMs.option, time.raw) * 1000) : DEFAULT_DOWNLOAD_LIMITS.timeoutMs,
  };
}

export function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}
