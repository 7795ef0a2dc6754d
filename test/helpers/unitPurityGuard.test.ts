/** The unit suite's guard refuses processes, Docker and the stand-in cluster, and lets threads and loopback servers be. */
import assert from 'node:assert/strict';
import childProcess, { exec, execFile, execFileSync, execSync, fork, spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ImpureUnitTestError } from './unitPurityGuard.js';

/** The refusal names this file and where such a test belongs. */
function isRefusal(error: unknown): boolean {
  assert.ok(error instanceof ImpureUnitTestError, String(error));
  assert.match(error.message, /unitPurityGuard\.test\.js starts|unitPurityGuard\.test\.js connects|unitPurityGuard\.test\.js loads/);
  assert.match(error.message, /belongs in a \*\.itest\.ts file, run by npm run test:integration$/);
  return true;
}

test('every way to start a child process throws, through the named imports and the module object alike', () => {
  const starts: Array<() => unknown> = [
    () => spawn('true'), () => spawnSync('true'), () => exec('true'), () => execSync('true'),
    () => execFile('true'), () => execFileSync('true'), () => fork('x.js'),
    () => childProcess.spawn('docker', ['ps']), () => process.getBuiltinModule('node:child_process').execFileSync('true'),
  ];
  for (const start of starts) assert.throws(start, isRefusal);
  assert.throws(() => spawn('docker', ['ps']), /starts a child process \(spawn docker\)/);
});

test("Docker's socket cannot be reached, by a plain socket or an HTTP request", () => {
  assert.throws(() => net.connect('/var/run/docker.sock'), isRefusal);
  assert.throws(() => http.get({ socketPath: '/var/run/docker.sock', path: '/_ping' }), /connects to the Unix socket \/var\/run\/docker\.sock/);
  assert.throws(() => http.get({ socketPath: '/var/run/docker.sock', path: '/_ping', agent: false }), isRefusal);
});

test('the stand-in cluster cannot be loaded', async () => {
  await assert.rejects(import('../cluster/index.js'), /loads the stand-in Kubernetes cluster/);
});

test('worker threads still run (the expression sandbox and the loader use them)', async () => {
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(6 * 7)", { eval: true });
  const answer = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  assert.equal(answer, 42);
  await worker.terminate();
});

test('a loopback HTTP server the test starts itself is reachable', async () => {
  const server = http.createServer((_req, res) => res.end('pong'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'pong');
  } finally {
    server.close();
  }
});

test('npm run test:unit loads the guard', async () => {
  const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  assert.match(manifest.scripts['test:unit']!, /^node --import \.\/dist\/test\/helpers\/unitPurityGuard\.js --test /);
});
