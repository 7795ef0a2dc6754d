import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// apiRetry.ts has no runtime import of the Kubernetes client: reading it costs a local run nothing.
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../backends/kubernetes/apiRetry.js';
import { DEFAULT_MAX_DOCKER_LOAD_BYTES, DOCKER_LOAD_LIMIT_VARIABLE } from '../backends/docker/dockerLoad.js';
import { RESIDENT_MEMORY_VARIABLE } from '../expressions/index.js';
import { DOWNLOAD_LIMIT_NAMES } from '../files/http.js';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type LoadLimits } from '../load/limits.js';
import { cacheDir } from './cacheDir.js';
import { byteQuantity, nonNegative, seconds, wholeNumber } from './optionParsers.js';

/**
 * Every environment variable the engine reads, read here once and typed:
 * nothing below the CLI looks at the environment. A bad value is a usage
 * error naming the variable (exit 2), as a bad option is. (HOME also finds
 * ~/.calrissian/default.json, read with the conf files before this: conf.ts.)
 */
export interface EngineEnvironment {
  /** BESPIN_MAX_DOCUMENT_BYTES and BESPIN_MAX_JOB_FILE_BYTES over the built-in load limits. */
  readonly loadLimits: LoadLimits;
  /** RETRY_MULTIPLIER / RETRY_MIN / RETRY_MAX / RETRY_ATTEMPTS, Calrissian's Kubernetes API retries. */
  readonly apiRetry: RetryPolicy;
  /** BESPIN_MAX_DOCKER_LOAD_BYTES: the most bytes read from a dockerLoad file. */
  readonly maxDockerLoadBytes: number;
  /** BESPIN_MAX_DOWNLOAD_BYTES and BESPIN_DOWNLOAD_TIMEOUT as given: checked with --max-download-size and --download-timeout, which override them. */
  readonly download: { readonly maxBytes: string | undefined; readonly timeout: string | undefined };
  /** BESPIN_EXPRESSION_MAX_RSS in MiB: how much one evaluation may grow the engine's resident memory; undefined: the default. */
  readonly expressionResidentMemoryMb: number | undefined;
  /** BESPIN_CACHE_DIR, XDG_CACHE_HOME or HOME: where schema verdicts are remembered; undefined: nowhere. */
  readonly cacheDir: string | undefined;
  /** KUBERNETES_SERVICE_HOST and a service account token: where the engine is, and how it reaches the cluster. */
  readonly cluster: ClusterEnvironment;
  /** CALRISSIAN_POD_NAME: the engine's own pod, whose claims and identity step pods take. */
  readonly ownPodName: string | undefined;
  /** CALRISSIAN_DELETE_PODS (false, no or 0 keep them): finished step pods are deleted. */
  readonly deletePods: boolean;
  /** CALRISSIAN_STREAM_LOGS (false, no or 0 turn it off): step pods' logs are followed into the engine's. */
  readonly streamLogs: boolean;
  /** BESPIN_STEP_TOKEN: the step marker of an engine that is itself a host tool of another engine. */
  readonly enclosingStepToken: string | undefined;
  /** PATH, which a tool run as a host process inherits. */
  readonly path: string | undefined;
  /** The whole environment: what --preserve-environment picks from, and the Docker client runs with. */
  readonly variables: Readonly<Record<string, string>>;
}

export interface ClusterEnvironment {
  /** In a pod: KUBERNETES_SERVICE_HOST is set and the service account's token is mounted. */
  readonly inCluster: boolean;
  /** Where --backend defaults to kubernetes: in a pod, with a service host given. */
  readonly defaultsToCluster: boolean;
  /** The kubeconfig files outside a cluster: KUBECONFIG's list, else ~/.kube/config. */
  readonly kubeconfigs: readonly string[];
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const FALSY = new Set(['false', 'no', '0']);

export function readEnvironment(env: NodeJS.ProcessEnv): EngineEnvironment {
  const given = (name: string): string | undefined => (env[name] === undefined || env[name].trim() === '' ? undefined : env[name]);
  const residentMemory = given(RESIDENT_MEMORY_VARIABLE);
  const dockerLoad = given(DOCKER_LOAD_LIMIT_VARIABLE);
  return {
    loadLimits: loadLimits(env),
    apiRetry: apiRetryPolicy(env),
    download: { maxBytes: given(DOWNLOAD_LIMIT_NAMES.maxBytes.variable), timeout: given(DOWNLOAD_LIMIT_NAMES.timeoutMs.variable) },
    maxDockerLoadBytes: dockerLoad === undefined ? DEFAULT_MAX_DOCKER_LOAD_BYTES : byteQuantity(DOCKER_LOAD_LIMIT_VARIABLE, dockerLoad),
    // At least 16 MiB, in MiB.
    expressionResidentMemoryMb: residentMemory === undefined ? undefined : Math.floor(byteQuantity(RESIDENT_MEMORY_VARIABLE, residentMemory, 16 * 2 ** 20) / 2 ** 20),
    cacheDir: cacheDir(env),
    cluster: clusterEnvironment(env),
    ownPodName: env.CALRISSIAN_POD_NAME || undefined,
    deletePods: !FALSY.has((env.CALRISSIAN_DELETE_PODS ?? '').toLowerCase()),
    streamLogs: !FALSY.has((env.CALRISSIAN_STREAM_LOGS ?? '').toLowerCase()),
    enclosingStepToken: env.BESPIN_STEP_TOKEN || undefined,
    path: env.PATH,
    variables: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  };
}

/**
 * CWLTOOL_OPTIONS: words that go before the command line's own, split at
 * single spaces with empty words dropped, exactly as cwltool splits them (no
 * shell quoting: a word cannot hold a space there either).
 */
export function cwltoolOptions(env: NodeJS.ProcessEnv): string[] {
  return (env.CWLTOOL_OPTIONS ?? '').split(' ').filter((word) => word !== '');
}

/** The default limits, with the byte limits overridden by BESPIN_MAX_DOCUMENT_BYTES and BESPIN_MAX_JOB_FILE_BYTES (`64Mi`, `100M`, bytes). */
export function loadLimits(env: NodeJS.ProcessEnv): LoadLimits {
  const bytes = (key: keyof typeof LIMIT_VARIABLES): number => {
    const variable = LIMIT_VARIABLES[key];
    const text = env[variable];
    return text === undefined || text.trim() === '' ? DEFAULT_LIMITS[key] : byteQuantity(variable, text);
  };
  return { ...DEFAULT_LIMITS, documentBytes: bytes('documentBytes'), jobFileBytes: bytes('jobFileBytes') };
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

function clusterEnvironment(env: NodeJS.ProcessEnv): ClusterEnvironment {
  const hasToken = existsSync(SERVICE_ACCOUNT_TOKEN);
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  return {
    inCluster: env.KUBERNETES_SERVICE_HOST !== undefined && hasToken,
    defaultsToCluster: Boolean(env.KUBERNETES_SERVICE_HOST) && hasToken,
    kubeconfigs: listed.length > 0 ? listed : [path.join(env.HOME ?? os.homedir(), '.kube', 'config')],
  };
}
