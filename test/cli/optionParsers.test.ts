/**
 * The option parsers and the run's typed options, without a process: each
 * kind of value, the name and value in every refusal, exit code 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/errors.js';
import { byteQuantity, choice, coreQuantity, existingFile, seconds, wholeNumber } from '../../src/cli/optionParsers.js';
import { engineOptions, type EngineOptions } from '../../src/cli/engineOptions.js';
import { apiRetryPolicy } from '../../src/cli/environment.js';
import { DEFAULT_DOWNLOAD_LIMITS } from '../../src/files/http.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';

/** Asserts a UsageError (exit 2) whose message matches. */
function refused(call: () => unknown, message: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof UsageError, `a UsageError, not ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, message);
    return true;
  });
}

test('counts are whole numbers from their minimum; text, fractions, negatives and NaN are refused by name', () => {
  assert.equal(wholeNumber('--retries', '3'), 3);
  assert.equal(wholeNumber('--retries', 0), 0);
  refused(() => wholeNumber('--retries', 'x'), /^--retries: 'x' is not a whole number of 0 or more$/);
  refused(() => wholeNumber('--retries', '1.5'), /'1\.5'/);
  refused(() => wholeNumber('--oom-retry', '-1'), /^--oom-retry: '-1'/);
  refused(() => wholeNumber('--max-gpus', ''), /^--max-gpus: '' /);
  refused(() => wholeNumber('RETRY_ATTEMPTS', '0', 1), /^RETRY_ATTEMPTS: '0' is not a whole number of 1 or more$/);
  refused(() => wholeNumber('--retries', NaN), /^--retries: 'NaN' /);
});

test('seconds are finite and above zero unless zero is allowed', () => {
  assert.equal(seconds('--eval-timeout', '0.5'), 0.5);
  assert.equal(seconds('RETRY_MIN', '0', { allowZero: true }), 0);
  refused(() => seconds('--eval-timeout', '0'), /^--eval-timeout: '0' is not a number of seconds above 0$/);
  refused(() => seconds('--download-timeout', 'Infinity'), /'Infinity'/);
  refused(() => seconds('RETRY_MAX', '-1', { allowZero: true }), /^RETRY_MAX: '-1'/);
});

test('quantities: bytes as Kubernetes memory, cores as Kubernetes CPU', () => {
  assert.equal(byteQuantity('--max-ram', '2Gi'), 2 * 2 ** 30);
  assert.equal(byteQuantity('--max-download-size', '1k'), 1000);
  refused(() => byteQuantity('--max-ram', '100', 2 ** 20), /^--max-ram: '100' is not a size in bytes of at least 1Mi/);
  refused(() => byteQuantity('--max-download-size', 'lots'), /^--max-download-size: 'lots' is not a size in bytes \(e\.g\./);
  assert.equal(coreQuantity('--max-cores', '500m'), 0.5);
  assert.equal(coreQuantity('--max-cores', 1000), 1000);
  refused(() => coreQuantity('--max-cores', 'x'), /^--max-cores: 'x' is not a CPU quantity/);
  refused(() => coreQuantity('--max-cores', '0'), /'0'/);
});

test('enums name the choices', () => {
  assert.equal(choice('--on-error', 'continue', ['stop', 'continue']), 'continue');
  refused(() => choice('--on-error', 'ignore', ['stop', 'continue']), /^--on-error: 'ignore' is not one of stop, continue$/);
});

test('a file option names a missing file, a directory and an unreadable file differently', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-opt-'));
  const file = path.join(dir, 'labels.json');
  await writeFile(file, '{}');
  assert.equal(existingFile('--pod-labels', file), file);
  refused(() => existingFile('--pod-labels', path.join(dir, 'none.json')), /^--pod-labels: cannot read '.*none\.json': not found$/);
  refused(() => existingFile('--pod-env-vars', dir), /^--pod-env-vars: cannot read '.*': is a directory$/);
  if (process.getuid?.() !== 0) {
    await chmod(file, 0o000);
    refused(() => existingFile('--pod-labels', file), /: permission denied$/);
  }
});

/** The host backend's options of a local run. */
function hostOf(options: EngineOptions) {
  assert.equal(options.backend.kind, 'local');
  return options.backend.kind === 'local' ? options.backend.host : assert.fail();
}

/** The Kubernetes backend's options of a cluster run. */
function clusterOf(options: EngineOptions) {
  assert.equal(options.backend.kind, 'kubernetes');
  return options.backend.kind === 'kubernetes' ? options.backend.cluster : assert.fail();
}

test('the typed options hold every option and environment variable as a typed value, with the defaults when absent', () => {
  const none = engineOptions({}, {});
  assert.deepEqual(none.run, {
    retries: 0, oomRetries: 0, maxGpus: 0, maxCores: undefined, maxRamBytes: undefined, evalTimeoutMs: 60_000, expressionResidentMemoryMb: undefined,
    unschedulableTimeoutSeconds: 300, downloadLimits: DEFAULT_DOWNLOAD_LIMITS, onError: 'stop', strict: false, backend: undefined, cachedir: undefined, usageReport: undefined,
  });
  assert.deepEqual(none.document.limits, DEFAULT_LIMITS);
  assert.deepEqual(none.jobs, {}, 'no PATH given, no --preserve-environment');
  assert.equal(hostOf(none).docker.maxDockerLoadBytes, 16 * 2 ** 30);
  assert.deepEqual(clusterOf(engineOptions({ backend: 'kubernetes' }, {})).retry, { multiplier: 5, minSeconds: 5, maxSeconds: 1200, attempts: 10 });
  assert.equal(hostOf(engineOptions({}, { BESPIN_MAX_DOCKER_LOAD_BYTES: '2Gi' })).docker.maxDockerLoadBytes, 2 * 2 ** 30);
  refused(() => engineOptions({}, { BESPIN_MAX_DOCKER_LOAD_BYTES: 'huge' }), /^BESPIN_MAX_DOCKER_LOAD_BYTES: 'huge' is not a size in bytes/);
  const given = engineOptions({ retries: '2', 'max-cores': 1000, 'max-ram': '128G', 'eval-timeout': '5', 'on-error': 'continue', backend: 'kubernetes' }, {}).run;
  assert.equal(given.retries, 2);
  assert.equal(given.maxCores, 1000);
  assert.equal(given.maxRamBytes, 128e9);
  assert.equal(given.evalTimeoutMs, 5000);
  assert.equal(given.onError, 'continue');
  assert.equal(given.backend, 'kubernetes');
  assert.equal(engineOptions({}, { BESPIN_EXPRESSION_MAX_RSS: '1Gi' }).run.expressionResidentMemoryMb, 1024);
  refused(() => engineOptions({}, { BESPIN_EXPRESSION_MAX_RSS: '1Mi' }), /^BESPIN_EXPRESSION_MAX_RSS: '1Mi' is not a size in bytes of at least 16Mi/);
  refused(() => engineOptions({ volume: ['claim:relative'] }, {}), /^--volume: 'claim:relative' is not CLAIM:ABSOLUTE_MOUNT_PATH\[:ro\]$/);
  refused(() => engineOptions({ 'pod-labels': '/no/such/labels.json' }, {}), /^--pod-labels: cannot read/);
});

test('load limits come from BESPIN_MAX_*, and a bad one is a usage error naming the variable, as a bad option is', () => {
  const limits = engineOptions({}, { BESPIN_MAX_DOCUMENT_BYTES: '1Mi', BESPIN_MAX_JOB_FILE_BYTES: '100k' }).document.limits;
  assert.deepEqual(limits, { ...DEFAULT_LIMITS, documentBytes: 2 ** 20, jobFileBytes: 100_000 });
  refused(() => engineOptions({}, { BESPIN_MAX_DOCUMENT_BYTES: 'lots' }), /^BESPIN_MAX_DOCUMENT_BYTES: 'lots' is not a size in bytes/);
  refused(() => engineOptions({}, { BESPIN_MAX_JOB_FILE_BYTES: '0' }), /^BESPIN_MAX_JOB_FILE_BYTES: '0' is not a size in bytes/);
});

test('the environment reaches the backends and jobs typed: the cluster\'s variables, the step token, PATH, --preserve-environment', () => {
  const env = {
    PATH: '/opt/bin:/usr/bin', KUBECONFIG: '/k/a:/k/b', CALRISSIAN_POD_NAME: 'engine-0', CALRISSIAN_DELETE_PODS: 'NO', CALRISSIAN_STREAM_LOGS: 'yes',
    BESPIN_STEP_TOKEN: 'outer', LANG: 'C.UTF-8',
  };
  const cluster = engineOptions({ backend: 'kubernetes' }, env);
  assert.deepEqual(clusterOf(cluster).access, { inCluster: false, kubeconfigs: ['/k/a', '/k/b'] });
  assert.deepEqual([clusterOf(cluster).ownPodName, clusterOf(cluster).deletePods, clusterOf(cluster).streamLogs], ['engine-0', false, true]);
  assert.deepEqual(cluster.credentials, ['/k/a', '/k/b']);
  const local = engineOptions({ 'preserve-environment': ['LANG', 'UNSET'], 'default-container': 'debian' }, env);
  assert.equal(hostOf(local).enclosingStepToken, 'outer');
  assert.equal(hostOf(local).docker.clientEnvironment.KUBECONFIG, '/k/a:/k/b', 'the Docker client runs with the engine\'s environment');
  assert.deepEqual(local.jobs, { defaultContainer: 'debian', preservedEnv: { LANG: 'C.UTF-8' }, hostPath: '/opt/bin:/usr/bin' });
});

test('download limits: an option wins over its variable, which wins over the default; bad values are named', () => {
  const limits = (values: Record<string, unknown>, env: NodeJS.ProcessEnv) => engineOptions(values, env).run.downloadLimits;
  assert.deepEqual(limits({}, {}), DEFAULT_DOWNLOAD_LIMITS);
  assert.deepEqual(limits({}, { BESPIN_MAX_DOWNLOAD_BYTES: '2Mi', BESPIN_DOWNLOAD_TIMEOUT: '1.5' }), { maxBytes: 2 * 2 ** 20, timeoutMs: 1500 });
  assert.deepEqual(limits({ 'max-download-size': '1k', 'download-timeout': '3' }, { BESPIN_MAX_DOWNLOAD_BYTES: '2Mi', BESPIN_DOWNLOAD_TIMEOUT: '9' }), { maxBytes: 1000, timeoutMs: 3000 });
  assert.deepEqual(limits({ 'max-download-size': '1k' }, { BESPIN_MAX_DOWNLOAD_BYTES: 'lots' }).maxBytes, 1000, 'a variable an option overrides is not read');
  refused(() => limits({ 'max-download-size': 'lots' }, {}), /^--max-download-size: 'lots' is not a size in bytes/);
  refused(() => limits({}, { BESPIN_DOWNLOAD_TIMEOUT: '-1' }), /^BESPIN_DOWNLOAD_TIMEOUT: '-1' is not a number of seconds/);
});

test("RETRY_* are Calrissian's when unset, read when set, refused by name when not numbers", () => {
  assert.deepEqual(apiRetryPolicy({ RETRY_MIN: '0.05', RETRY_MULTIPLIER: '0.05' }), { multiplier: 0.05, minSeconds: 0.05, maxSeconds: 1200, attempts: 10 });
  refused(() => apiRetryPolicy({ RETRY_ATTEMPTS: 'x' }), /^RETRY_ATTEMPTS: 'x'/);
  refused(() => apiRetryPolicy({ RETRY_MULTIPLIER: 'fast' }), /^RETRY_MULTIPLIER: 'fast' is not a number of 0 or more$/);
  refused(() => apiRetryPolicy({ RETRY_MAX: 'NaN' }), /^RETRY_MAX: 'NaN'/);
});
