/**
 * The option parsers and the run's option check, without a process: each
 * kind of value, the name and value in every refusal, exit code 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/errors.js';
import { byteQuantity, choice, coreQuantity, existingFile, seconds, wholeNumber } from '../../src/cli/optionParsers.js';
import { apiRetryPolicy, checkRunOptions, downloadLimits } from '../../src/cli/runOptions.js';
import { DEFAULT_DOWNLOAD_LIMITS } from '../../src/files/http.js';

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

test('the run check turns every option into a typed value, with the defaults when absent', () => {
  const checked = checkRunOptions({}, {});
  assert.deepEqual(checked, {
    retries: 0, oomRetries: 0, maxGpus: 0, maxCores: undefined, maxRamBytes: undefined, evalTimeoutMs: 60_000, expressionResidentMemoryMb: undefined,
    unschedulableTimeoutSeconds: 300, downloadLimits: DEFAULT_DOWNLOAD_LIMITS, onError: 'stop', backend: undefined,
    apiRetry: { multiplier: 5, minSeconds: 5, maxSeconds: 1200, attempts: 10 }, maxDockerLoadBytes: 16 * 2 ** 30,
  });
  assert.equal(checkRunOptions({}, { BESPIN_MAX_DOCKER_LOAD_BYTES: '2Gi' }).maxDockerLoadBytes, 2 * 2 ** 30);
  refused(() => checkRunOptions({}, { BESPIN_MAX_DOCKER_LOAD_BYTES: 'huge' }), /^BESPIN_MAX_DOCKER_LOAD_BYTES: 'huge' is not a size in bytes/);
  const given = checkRunOptions({ retries: '2', 'max-cores': 1000, 'max-ram': '128G', 'eval-timeout': '5', 'on-error': 'continue', backend: 'kubernetes' }, {});
  assert.equal(given.retries, 2);
  assert.equal(given.maxCores, 1000);
  assert.equal(given.maxRamBytes, 128e9);
  assert.equal(given.evalTimeoutMs, 5000);
  assert.equal(given.onError, 'continue');
  assert.equal(given.backend, 'kubernetes');
  assert.equal(checkRunOptions({}, { BESPIN_EXPRESSION_MAX_RSS: '1Gi' }).expressionResidentMemoryMb, 1024);
  refused(() => checkRunOptions({}, { BESPIN_EXPRESSION_MAX_RSS: '1Mi' }), /^BESPIN_EXPRESSION_MAX_RSS: '1Mi' is not a size in bytes of at least 16Mi/);
  refused(() => checkRunOptions({ volume: ['claim:relative'] }, {}), /^--volume: 'claim:relative' is not CLAIM:ABSOLUTE_MOUNT_PATH\[:ro\]$/);
  refused(() => checkRunOptions({ 'pod-labels': '/no/such/labels.json' }, {}), /^--pod-labels: cannot read/);
});

test('download limits: an option wins over its variable, which wins over the default; bad values are named', () => {
  assert.deepEqual(downloadLimits({}, {}), DEFAULT_DOWNLOAD_LIMITS);
  assert.deepEqual(downloadLimits({}, { BESPIN_MAX_DOWNLOAD_BYTES: '2Mi', BESPIN_DOWNLOAD_TIMEOUT: '1.5' }), { maxBytes: 2 * 2 ** 20, timeoutMs: 1500 });
  assert.deepEqual(downloadLimits({ 'max-download-size': '1k', 'download-timeout': '3' }, { BESPIN_MAX_DOWNLOAD_BYTES: '2Mi', BESPIN_DOWNLOAD_TIMEOUT: '9' }), { maxBytes: 1000, timeoutMs: 3000 });
  refused(() => downloadLimits({ 'max-download-size': 'lots' }, {}), /^--max-download-size: 'lots' is not a size in bytes/);
  refused(() => downloadLimits({}, { BESPIN_DOWNLOAD_TIMEOUT: '-1' }), /^BESPIN_DOWNLOAD_TIMEOUT: '-1' is not a number of seconds/);
});

test("RETRY_* are Calrissian's when unset, read when set, refused by name when not numbers", () => {
  assert.deepEqual(apiRetryPolicy({ RETRY_MIN: '0.05', RETRY_MULTIPLIER: '0.05' }), { multiplier: 0.05, minSeconds: 0.05, maxSeconds: 1200, attempts: 10 });
  refused(() => apiRetryPolicy({ RETRY_ATTEMPTS: 'x' }), /^RETRY_ATTEMPTS: 'x'/);
  refused(() => apiRetryPolicy({ RETRY_MULTIPLIER: 'fast' }), /^RETRY_MULTIPLIER: 'fast' is not a number of 0 or more$/);
  refused(() => apiRetryPolicy({ RETRY_MAX: 'NaN' }), /^RETRY_MAX: 'NaN'/);
});
