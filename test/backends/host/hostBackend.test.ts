/** The host backend: one backend, Docker or a process chosen by the job's container. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { HostBackend } from '../../../src/backends/host/hostBackend.js';

const docker = { forcePull: false, leaveContainer: false, clientEnvironment: {} };
const logger = pino({ enabled: false });

test('a job runs in a container when it names an image, unless --no-container; it sees its own paths', () => {
  const host = new HostBackend({ containers: true, logger, docker });
  assert.deepEqual([host.place(true), host.place(false)], ['container', 'host']);
  assert.deepEqual([host.layout.containers, host.layout.containerPaths, host.layout.privateTmpdir('/tmp/x-')], ['asked', 'own', undefined]);
  const bare = new HostBackend({ containers: false, logger, docker });
  assert.deepEqual([bare.place(true), bare.place(false), bare.layout.containers], ['host', 'host', 'never']);
});
