/**
 * A Kubernetes API server stand-in with one Docker-backed node, for testing
 * bespin's Kubernetes backend with real clients over loopback HTTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api } from './api.js';
import { ClaimDirectories, createClaims } from './claims.js';
import { ADMIN, Authenticator, serviceAccountUser } from './auth.js';
import { Counters } from './counters.js';
import { Docker } from './docker.js';
import { EventRecorder } from './events.js';
import { Faults } from './faults.js';
import { GarbageCollector } from './gc.js';
import { JobController } from './jobs.js';
import { writeKubeconfig } from './kubeconfig.js';
import { Kubelet } from './kubelet.js';
import { canonicalAmount, parseQuantity } from './quantity.js';
import { createNode, nodeSize, setUnschedulable, type NodeOptions } from './node.js';
import { Authorizer } from './rbac.js';
import { findResource } from './resources.js';
import { Scheduler } from './scheduler.js';
import { createServer } from './server.js';
import { Store } from './store.js';
import { testAdmin } from './testAdmin.js';
import { selfSignedCert } from './tls.js';

export type { Faults, RequestFault } from './faults.js';
export type { Counters, CounterSnapshot } from './counters.js';
export { reactionTimes } from './counters.js';

export interface TestClusterOptions {
  /** The namespace the engine's Role is bound in (default `bespin-test`). */
  namespace?: string;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Where PVC directories, pod volumes and kubeconfigs go (default: a new temporary directory, removed by stop()). */
  dataDir?: string;
  keepDataDir?: boolean;
  /** Directory of Role/RoleBinding/ServiceAccount manifests (default: the repository's `rbac/`). */
  rbacDir?: string;
  node?: NodeOptions;
  /** PVCs created at start in the namespace, each backed by the given host directory (created when missing). */
  pvcs?: Record<string, string>;
  /** Run the scheduler, kubelet and job controller (default true); false leaves pods Pending, unscheduled. */
  nodeAgent?: boolean;
  /** Watch history kept per resource (default 1000 events). */
  historySize?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 60 s, as the real server). */
  bookmarkIntervalMs?: number;
  /** ErrImagePull → ImagePullBackOff delay, and the first back-off before pulling again (default 1000 ms). */
  imagePullBackoffMs?: number;
  /** Retry period for CreateContainerConfigError / FailedMount (default 1000 ms). */
  retryMs?: number;
  /** First container restart back-off (default 10 s, doubling). */
  restartBackoffMs?: number;
  /** Job pod re-creation back-off after a failure (default 10 s, doubling). */
  jobBackoffMs?: number;
  /** Serve HTTPS with a self-signed certificate (needs openssl; kubectl sends tokens only over HTTPS). Default: plain HTTP. */
  tls?: boolean;
  /** Log each request (true: to stderr). */
  log?: boolean | ((line: string) => void);
}

export interface TestCluster {
  readonly id: string;
  readonly url: string;
  readonly namespace: string;
  readonly nodeName: string;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly engineToken: string;
  /** The engine service account's kubeconfig (context namespace = `namespace`). */
  readonly kubeconfigPath: string;
  readonly adminKubeconfigPath: string;
  /** The serving certificate (PEM) when `tls` is on: trust it as the CA. */
  readonly caCertificate?: string;
  /** The Docker label on every container this cluster creates (`bespin-test-cluster=<id>`). */
  readonly containerLabel: string;
  readonly faults: Faults;
  readonly counters: Counters;
  /** Host directory behind a PVC (in `namespace` unless given). */
  pvcDir(name: string, namespace?: string): string;
  /** A token for another service account of the namespace (it gets whatever the RBAC manifests grant it). */
  tokenFor(serviceAccount: string, namespace?: string): string;
  stop(): Promise<void>;
}

const REPO_RBAC = fileURLToPath(new URL('../../../rbac/', import.meta.url));
const NAMESPACES = findResource('', 'namespaces')!;
const PVCS = findResource('', 'persistentvolumeclaims')!;
const SERVICE_ACCOUNTS = findResource('', 'serviceaccounts')!;

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const id = randomBytes(6).toString('hex');
  const namespace = options.namespace ?? 'bespin-test';
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? await mkdtemp(path.join(os.tmpdir(), 'bespin-cluster-'));
  mkdirSync(dataDir, { recursive: true });
  const nodeName = options.node?.name ?? 'test-node';

  const store = new Store(options.historySize ?? 1000);
  const api = new Api(store);
  const counters = new Counters();
  const faults = new Faults();
  const docker = new Docker();
  const authn = new Authenticator();
  const authz = Authorizer.load(options.rbacDir ?? REPO_RBAC, namespace);
  const recorder = new EventRecorder(api, nodeName);
  store.subscribe((c) => { if (c.key === 'pods' && c.type === 'ADDED') counters.podCreated(); });
  const claims = new ClaimDirectories(dataDir, store);
  for (const ns of ['default', 'kube-system', namespace]) if (!api.peek(NAMESPACES, undefined, ns)) api.create(NAMESPACES, undefined, { metadata: { name: ns } });
  createNode(api, nodeName, options.node ?? {});
  createClaims(api, claims, namespace, options.pvcs ?? {});
  const tokens = issueTokens(api, authn, authz, namespace);

  const watches = { store, counters, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000, open: new Set<() => void>() };
  let url = '';
  const info = (): unknown => ({ id, url, namespace, nodeName, dataDir, pvcs: claims.toJSON() });
  const log = options.log === true ? (l: string) => console.error(`[cluster] ${l}`) : options.log || undefined;
  const cert = options.tls ? await selfSignedCert(dataDir, options.host ?? '127.0.0.1') : undefined;
  const server: http.Server = createServer({
    api, docker, authn, authz, faults, counters, watches, engineUsers: tokens.engineUsers, log,
    address: () => url.replace(/^https?:\/\//, ''),
    admin: testAdmin(faults, counters, info, namespace),
  }, cert);
  url = await listen(server, options, cert !== undefined);

  const node = startNode({ id, dataDir, nodeName, api, docker, recorder, faults, counters, claims, watches }, options);
  const kubeconfigPath = path.join(dataDir, 'kubeconfig-engine.yaml');
  const adminKubeconfigPath = path.join(dataDir, 'kubeconfig-admin.yaml');
  await writeKubeconfig(kubeconfigPath, { server: url, user: tokens.engineSA, token: tokens.engineToken, namespace, ca: cert?.cert });
  await writeKubeconfig(adminKubeconfigPath, { server: url, user: 'admin', token: tokens.adminToken, namespace, ca: cert?.cert });

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    for (const close of [...watches.open]) close();
    server.close();
    server.closeAllConnections();
    await node.stop();
    docker.close();
    if (ownDataDir && !options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    id, url, namespace, nodeName, dataDir, adminToken: tokens.adminToken, caCertificate: cert?.cert, engineToken: tokens.engineToken,
    kubeconfigPath, adminKubeconfigPath, containerLabel: `bespin-test-cluster=${id}`, faults, counters,
    pvcDir: (name, ns = namespace) => claims.pathOf(ns, name),
    tokenFor: tokens.tokenFor,
    stop: () => (stopping ??= stop()),
  };
}

/** The engine's service account token (the first the RBAC manifests name, bespin-engine when present), the admin's, and tokens on demand. */
function issueTokens(api: Api, authn: Authenticator, authz: Authorizer, namespace: string) {
  const tokenFor = (sa: string, ns = namespace): string => {
    if (!api.peek(SERVICE_ACCOUNTS, ns, sa)) api.create(SERVICE_ACCOUNTS, ns, { metadata: { name: sa } });
    return authn.issue(serviceAccountUser(ns, sa));
  };
  const engineSA = authz.serviceAccounts.includes('bespin-engine') ? 'bespin-engine' : authz.serviceAccounts[0] ?? 'bespin-engine';
  const engineToken = tokenFor(engineSA);
  const engineUsers = new Set([serviceAccountUser(namespace, engineSA).name]);
  return { tokenFor, engineSA, engineToken, engineUsers, adminToken: authn.issue(ADMIN) };
}

/** Listens on the given host and port (any free port by default); returns the server's URL. */
async function listen(server: http.Server, options: TestClusterOptions, tls: boolean): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `${tls ? 'https' : 'http'}://${address.address}:${address.port}`;
}

interface NodeParts {
  readonly id: string;
  readonly dataDir: string;
  readonly nodeName: string;
  readonly api: Api;
  readonly docker: Docker;
  readonly recorder: EventRecorder;
  readonly faults: Faults;
  readonly counters: Counters;
  readonly claims: ClaimDirectories;
  readonly watches: { readonly store: Store; readonly open: Set<() => void> };
}

/**
 * Starts the garbage collector and, with the node agent, the kubelet,
 * scheduler and job controller, and gives the faults what they act on;
 * stop() stops them all.
 */
function startNode(parts: NodeParts, options: TestClusterOptions): { kubelet: Kubelet; stop(): Promise<void> } {
  const { api, recorder, nodeName } = parts;
  const { cpu, memory } = nodeSize(options.node ?? {});
  const kubelet = new Kubelet(api, parts.docker, recorder, parts.faults, parts.counters, {
    clusterId: parts.id, dataDir: parts.dataDir, nodeName, hostIP: '127.0.0.1',
    allocatable: { cpu: canonicalAmount('cpu', parseQuantity(cpu) ?? 0), memory: canonicalAmount('memory', parseQuantity(memory) ?? 0) },
    claimPath: (ns, claim) => (api.peek(PVCS, ns, claim) ? parts.claims.get(ns, claim) : undefined),
    timing: { imagePullBackoffMs: options.imagePullBackoffMs ?? 1000, retryMs: options.retryMs ?? 1000, restartBackoffMs: options.restartBackoffMs ?? 10_000 },
  });
  const scheduler = new Scheduler(api, recorder, nodeName);
  const jobs = new JobController(api, recorder, options.jobBackoffMs ?? 10_000);
  const gc = new GarbageCollector(api);
  parts.faults.attach({
    dropWatches: () => { const all = [...parts.watches.open]; for (const close of all) close(); return all.length; },
    expireHistory: () => parts.watches.store.expireHistory(),
    evict: (ns, name) => kubelet.evict(ns, name),
    setUnschedulable: (value) => setUnschedulable(api, nodeName, value),
  });
  gc.start();
  if (options.nodeAgent ?? true) {
    kubelet.start();
    scheduler.start();
    jobs.start();
  }
  return {
    kubelet,
    stop: async () => {
      jobs.stop();
      scheduler.stop();
      gc.stop();
      await kubelet.stop();
    },
  };
}
