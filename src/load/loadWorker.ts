/** The worker thread of worker.ts: one load, one answer. */
import { parentPort, workerData } from 'node:worker_threads';
import { readLoadedProcess } from './loadProcess.js';
import { readJobFile } from './jobFile.js';
import { readOntology } from './ontologies.js';
import { protectEngineCredentials } from '../files/hostEntry.js';
import { serializeError, type LoadResponse, type LoadWorkerData } from './worker.js';

const { request, credentials } = workerData as LoadWorkerData;
protectEngineCredentials(credentials);
let response: LoadResponse;
try {
  const value = request.kind === 'process'
    ? await readLoadedProcess(request.uri, request.limits, { skipSchemaValidation: request.skipSchemaValidation, validationCacheDir: request.validationCacheDir }, request.nonStrict)
    : request.kind === 'ontology'
      ? await readOntology(request.uri, request.limits)
      : await readJobFile(request.uri, request.limits);
  response = { ok: true, value };
} catch (error) {
  response = { ok: false, error: serializeError(error) };
}
try {
  parentPort!.postMessage(response);
} catch (error) {
  // A value that cannot be cloned is a bug in the loader.
  parentPort!.postMessage({ ok: false, error: { name: 'InternalError', message: `cannot pass the loaded value back: ${String(error)}` } } satisfies LoadResponse);
}
