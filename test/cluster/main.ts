/**
 * `npm run cluster`: the test cluster in the foreground, with namespace
 * bespin-test and Calrissian's three PVCs, until SIGINT/SIGTERM.
 *
 *   --port N (default 0: any) --data-dir DIR --namespace NS --cpu 2 --memory 8Gi --gpu 0 --verbose
 *   --http (plain HTTP instead of HTTPS with a self-signed certificate; kubectl then sends no token)
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startTestCluster } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    namespace: { type: 'string', default: 'bespin-test' },
    cpu: { type: 'string', default: '2' },
    memory: { type: 'string', default: '8Gi' },
    gpu: { type: 'string', default: '0' },
    verbose: { type: 'boolean', default: false },
    http: { type: 'boolean', default: false },
  },
});

const dataDir = path.resolve(values['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'bespin-cluster-')));
mkdirSync(dataDir, { recursive: true });
const claims = ['calrissian-input-data', 'calrissian-tmpout', 'calrissian-output-data'];
const cluster = await startTestCluster({
  port: Number(values.port), dataDir, keepDataDir: true, namespace: values.namespace,
  node: { cpu: values.cpu, memory: values.memory, gpu: values.gpu },
  pvcs: Object.fromEntries(claims.map((c) => [c, path.join(dataDir, 'pvc', c)])),
  log: values.verbose, tls: !values.http,
});

console.log(`bespin test cluster ${cluster.id} at ${cluster.url} (namespace ${cluster.namespace}, node ${cluster.nodeName})`);
console.log(`engine kubeconfig: ${cluster.kubeconfigPath}`);
console.log(`admin kubeconfig:  ${cluster.adminKubeconfigPath}`);
for (const c of claims) console.log(`PVC ${c}: ${cluster.pvcDir(c)}`);
console.log(`export KUBECONFIG=${cluster.kubeconfigPath}`);
console.log('Ctrl-C stops the cluster and removes its containers (the data directory stays).');

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  cluster.stop().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
