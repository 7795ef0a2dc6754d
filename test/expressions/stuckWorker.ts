/**
 * A fake sandbox worker for the watchdog test: it never answers a request
 * whose code is "hang" (it blocks its thread, which no vm timeout can
 * interrupt) and answers every other request with the code as a JSON string.
 * Run other than as a worker (e.g. picked up by a test runner), it does nothing.
 */
import { parentPort } from 'node:worker_threads';

const port = parentPort;
if (port !== null) {
  port.on('message', (request: { id: number; code: string }) => {
    if (request.code === 'hang') {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return;
    }
    port.postMessage({ id: request.id, ok: true, json: JSON.stringify(request.code) });
  });
}
