import type { DownloadLimits } from '../files/http.js';
import { DEFAULT_DOWNLOAD_LIMITS, DOWNLOAD_LIMIT_NAMES } from '../files/http.js';
// apiRetry.ts has no runtime import of the Kubernetes client: reading it costs a local run nothing.
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../backends/kubernetes/apiRetry.js';
import { DEFAULT_MAX_DOCKER_LOAD_BYTES, DOCKER_LOAD_LIMIT_VARIABLE } from '../backends/docker/dockerLoad.js';
import { UsageError } from '../errors.js';
import { RESIDENT_MEMORY_VARIABLE } from '../expressions/index.js';
import type { OptionValues } from './conf.js';
import { byteQuantity, choice, coreQuantity, existingFile, nonNegative, seconds, wholeNumber } from './optionParsers.js';

/**
 * Every numeric, quantity, enum and must-exist-file option of a run, and the
 * environment variables read as numbers, checked once where they enter: the
 * rest of the engine takes these typed values and never parses an option.
 */
export interface RunOptions {
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
  /** --backend; undefined: chosen by where the engine runs. */
  readonly backend: 'local' | 'kubernetes' | undefined;
  /** RETRY_MULTIPLIER / RETRY_MIN / RETRY_MAX / RETRY_ATTEMPTS, Calrissian's Kubernetes API retries. */
  readonly apiRetry: RetryPolicy;
  /** BESPIN_MAX_DOCKER_LOAD_BYTES: the most bytes read from a dockerLoad file. */
  readonly maxDockerLoadBytes: number;
}

/** Options naming a file the run reads (Calrissian's pod files, cwltool's overrides). */
const INPUT_FILE_OPTIONS = ['pod-labels', 'pod-env-vars', 'pod-nodeselectors', 'network-access-pod-label', 'no-network-access-pod-label', 'overrides'] as const;

/** `--volume CLAIM:ABSOLUTE_MOUNT_PATH[:ro]`, as the Kubernetes backend reads it. */
const VOLUME = /^[^:]+:\/[^:]*(:ro)?$/;

/** Checks the resolved options (command line over conf files) and the environment; throws a UsageError naming the first bad one. */
export function checkRunOptions(opts: OptionValues, env: NodeJS.ProcessEnv = process.env): RunOptions {
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
    expressionResidentMemoryMb: expressionResidentMemoryMb(env),
    unschedulableTimeoutSeconds: or('unschedulable-timeout', (f, v) => seconds(f, v), 300),
    downloadLimits: downloadLimits(opts, env),
    onError: or('on-error', (f, v) => choice(f, v, ['stop', 'continue'] as const), 'stop'),
    backend: or('backend', (f, v) => choice(f, v, ['local', 'kubernetes'] as const), undefined),
    apiRetry: apiRetryPolicy(env),
    maxDockerLoadBytes: env[DOCKER_LOAD_LIMIT_VARIABLE]?.trim() ? byteQuantity(DOCKER_LOAD_LIMIT_VARIABLE, env[DOCKER_LOAD_LIMIT_VARIABLE]) : DEFAULT_MAX_DOCKER_LOAD_BYTES,
  };
}

/**
 * --max-download-size / --download-timeout, each over its environment
 * variable (BESPIN_MAX_DOWNLOAD_BYTES, BESPIN_DOWNLOAD_TIMEOUT), over the default.
 */
export function downloadLimits(opts: OptionValues, env: NodeJS.ProcessEnv): DownloadLimits {
  const pick = (option: unknown, variable: string): { name: string; raw: unknown } | undefined => {
    if (option !== undefined) return { name: '', raw: option };
    const text = env[variable];
    return text === undefined || text.trim() === '' ? undefined : { name: variable, raw: text };
  };
  const names = DOWNLOAD_LIMIT_NAMES;
  const size = pick(opts['max-download-size'], names.maxBytes.variable);
  const time = pick(opts['download-timeout'], names.timeoutMs.variable);
  return {
    maxBytes: size ? byteQuantity(size.name || names.maxBytes.option, size.raw) : DEFAULT_DOWNLOAD_LIMITS.maxBytes,
    timeoutMs: time ? Math.ceil(seconds(time.name || names.timeoutMs.option, time.raw) * 1000) : DEFAULT_DOWNLOAD_LIMITS.timeoutMs,
  };
}

/** BESPIN_EXPRESSION_MAX_RSS (`512Mi`, `1G`, bytes; at least 16Mi), in MiB. */
function expressionResidentMemoryMb(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[RESIDENT_MEMORY_VARIABLE];
  if (text === undefined || text.trim() === '') return undefined;
  return Math.floor(byteQuantity(RESIDENT_MEMORY_VARIABLE, text, 16 * 2 ** 20) / 2 ** 20);
}

/** Calrissian's RETRY_* variables; each one unset keeps Calrissian's default. */
export function apiRetryPolicy(env: NodeJS.ProcessEnv): RetryPolicy {
  const read = <T>(name: string, parse: (n: string, raw: unknown) => T, fallback: T): T => {
    const text = env[name];
    return text === undefined || text.trim() === '' ? fallback : parse(name, text);
  };
  return {
    multiplier: read('RETRY_MULTIPLIER', nonNegative, DEFAULT_RETRY_POLICY.multiplier),
    minSeconds: read('RETRY_MIN', (n, v) => seconds(n, v, { allowZero: true }), DEFAULT_RETRY_POLICY.minSeconds),
    maxSeconds: read('RETRY_MAX', (n, v) => seconds(n, v, { allowZero: true }), DEFAULT_RETRY_POLICY.maxSeconds),
    attempts: read('RETRY_ATTEMPTS', (n, v) => wholeNumber(n, v, 1), DEFAULT_RETRY_POLICY.attempts),
  };
}

function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}
