/**
 * A Kubernetes API server stand-in with one Docker-backed node, for testing
 * bespin's Kubernetes backend with real clients over loopback HTTP.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api } from './api.js';
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
  node?: { name?: string; cpu?: string; memory?: string; gpu?: number | string; labels?: Record<string, string> };
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
const NODES = findResource('', 'nodes')!;
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
  const cpu = options.node?.cpu ?? '2', memory = options.node?.memory ?? '8Gi', gpu = String(options.node?.gpu ?? 0);

  const store = new Store(options.historySize ?? 1000);
  const api = new Api(store);
  const counters = new Counters();
  const faults = new Faults();
  const docker = new Docker();
  const authn = new Authenticator();
  const authz = Authorizer.load(options.rbacDir ?? REPO_RBAC, namespace);
  const recorder = new EventRecorder(api, nodeName);

  // PVC host directories: given ones, or one per claim under the data dir.
  const claimDirs = new Map<string, string>();
  const claimKey = (ns: string, claim: string): string => `${ns}/${claim}`;
  const defaultClaimDir = (ns: string, claim: string): string => path.join(dataDir, 'pvc', ns, claim);
  store.subscribe((c) => {
    if (c.key === 'pods' && c.type === 'ADDED') counters.podCreated();
    if (c.key !== 'persistentvolumeclaims' || c.type !== 'ADDED') return;
    const key = claimKey(c.object.metadata.namespace!, c.object.metadata.name);
    const dir = claimDirs.get(key) ?? defaultClaimDir(c.object.metadata.namespace!, c.object.metadata.name);
    // Like local-path provisioners: a new claim directory anyone may write.
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777);
    }
    claimDirs.set(key, dir);
  });

  for (const ns of ['default', 'kube-system', namespace]) if (!api.peek(NAMESPACES, undefined, ns)) api.create(NAMESPACES, undefined, { metadata: { name: ns } });
  const allocatable: Record<string, string> = { cpu, memory, pods: '110', 'ephemeral-storage': '100Gi', ...(Number(gpu) > 0 ? { 'nvidia.com/gpu': gpu } : {}) };
  api.create(NODES, undefined, {
    metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', ...(options.node?.labels ?? {}) } },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      capacity: allocatable, allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }],
      nodeInfo: { kubeletVersion: 'v1.31.0', kubeProxyVersion: 'v1.31.0', containerRuntimeVersion: 'docker://20.10', operatingSystem: 'linux', architecture: 'amd64', osImage: 'bespin test node', kernelVersion: os.release() },
    },
  });
  for (const [name, dir] of Object.entries(options.pvcs ?? {})) {
    claimDirs.set(claimKey(namespace, name), path.resolve(dir));
    api.create(PVCS, namespace, {
      metadata: { name, annotations: { 'bespin-test/host-path': path.resolve(dir) } },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } } },
    });
  }
  const engineUsers = new Set<string>();
  const tokenFor = (sa: string, ns = namespace): string => {
    if (!api.peek(SERVICE_ACCOUNTS, ns, sa)) api.create(SERVICE_ACCOUNTS, ns, { metadata: { name: sa } });
    return authn.issue(serviceAccountUser(ns, sa));
  };
  const engineSA = authz.serviceAccounts.includes('bespin-engine') ? 'bespin-engine' : authz.serviceAccounts[0] ?? 'bespin-engine';
  const engineToken = tokenFor(engineSA);
  engineUsers.add(serviceAccountUser(namespace, engineSA).name);
  const adminToken = authn.issue(ADMIN);

  const watches = { store, counters, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000, open: new Set<() => void>() };
  let url = '';
  const info = (): unknown => ({ id, url, namespace, nodeName, dataDir, pvcs: Object.fromEntries(claimDirs) });
  const log = options.log === true ? (l: string) => console.error(`[cluster] ${l}`) : options.log || undefined;
  const cert = options.tls ? await selfSignedCert(dataDir, options.host ?? '127.0.0.1') : undefined;
  const server: http.Server = createServer({
    api, docker, authn, authz, faults, counters, watches, engineUsers, log,
    address: () => url.replace(/^https?:\/\//, ''),
    admin: testAdmin(faults, counters, info, namespace),
  }, cert);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  url = `${cert ? 'https' : 'http'}://${address.address}:${address.port}`;

  const nodeAgent = options.nodeAgent ?? true;
  const scheduler = new Scheduler(api, recorder, nodeName);
  const jobs = new JobController(api, recorder, options.jobBackoffMs ?? 10_000);
  const gc = new GarbageCollector(api);
  const kubelet = new Kubelet(api, docker, recorder, faults, counters, {
    clusterId: id, dataDir, nodeName, hostIP: '127.0.0.1',
    allocatable: { cpu: canonicalAmount('cpu', parseQuantity(cpu) ?? 0), memory: canonicalAmount('memory', parseQuantity(memory) ?? 0) },
    claimPath: (ns, claim) => (api.peek(PVCS, ns, claim) ? claimDirs.get(claimKey(ns, claim)) : undefined),
    timing: { imagePullBackoffMs: options.imagePullBackoffMs ?? 1000, retryMs: options.retryMs ?? 1000, restartBackoffMs: options.restartBackoffMs ?? 10_000 },
  });
  gc.start();
  if (nodeAgent) {
    kubelet.start();
    scheduler.start();
    jobs.start();
  }
  faults.attach({
    dropWatches: () => { const all = [...watches.open]; for (const close of all) close(); return all.length; },
    expireHistory: () => store.expireHistory(),
    evict: (ns, name) => kubelet.evict(ns, name),
    setUnschedulable: (value) => {
      api.mutate(NODES, undefined, nodeName, (o) => {
        const taints = ((o.spec.taints ?? []) as { key: string }[]).filter((t) => t.key !== 'node.kubernetes.io/unschedulable');
        if (value) { o.spec.unschedulable = true; taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } as never); }
        else delete o.spec.unschedulable;
        if (taints.length) o.spec.taints = taints;
        else delete o.spec.taints;
      });
    },
  });

  const kubeconfigPath = path.join(dataDir, 'kubeconfig-engine.yaml');
  const adminKubeconfigPath = path.join(dataDir, 'kubeconfig-admin.yaml');
  await writeKubeconfig(kubeconfigPath, { server: url, user: engineSA, token: engineToken, namespace, ca: cert?.cert });
  await writeKubeconfig(adminKubeconfigPath, { server: url, user: 'admin', token: adminToken, namespace, ca: cert?.cert });

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    for (const close of [...watches.open]) close();
    server.close();
    server.closeAllConnections();
    jobs.stop();
    scheduler.stop();
    gc.stop();
    await kubelet.stop();
    docker.close();
    if (ownDataDir && !options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    id, url, namespace, nodeName, dataDir, adminToken, caCertificate: cert?.cert, engineToken, kubeconfigPath, adminKubeconfigPath,
    containerLabel: `bespin-test-cluster=${id}`, faults, counters,
    pvcDir: (name, ns = namespace) => claimDirs.get(claimKey(ns, name)) ?? defaultClaimDir(ns, name),
    tokenFor,
    stop: () => (stopping ??= stop()),
  };
}
