/**
 * The one switch every Kubernetes test entry point goes through
 * (`npm run conformance:kubernetes`, the backend's end-to-end tests,
 * `npm run bench:kubernetes`). `BESPIN_TEST_CLUSTER` chooses the cluster:
 *
 * - `standin` (default): test/cluster/, the API stand-in on loopback with a
 *   Docker-backed node; the only one with fault injection.
 * - `real`: the real single-node cluster of test/realcluster/ (started with
 *   test/realcluster/up.sh when it is not up; needs root).
 * - `kubeconfig`: any cluster `KUBECONFIG` names, with admin rights; the
 *   engine's host directories must be the node's (hostPath volumes), as on
 *   a single-node cluster the tests run on.
 *
 * On a real cluster each opening gets its own namespace (`BESPIN_TEST_NAMESPACE`
 * to choose it), hostPath PersistentVolumes bound to its claims, and the
 * engine's ServiceAccount with exactly `rbac/`'s Role: bespin runs with only
 * the platform's verbs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../cluster/index.js';
import { writeKubeconfig } from '../cluster/kubeconfig.js';
import { provision, type Provisioned } from '../realcluster/provision.js';
import { startApiRecorder, type RequestCounts } from './apiRecorder.js';

export type ClusterKind = 'standin' | 'real' | 'kubeconfig';

export interface ClaimSpec {
  readonly hostDir: string;
  /** The engine mounts it read-only (the platform's input claim). */
  readonly readOnly?: boolean;
  /** Real clusters: the claim is ReadWriteOnce (ReadWriteMany otherwise); the stand-in does not check access modes. */
  readonly readWriteOnce?: boolean;
}

export interface ClusterUnderTest {
  readonly kind: ClusterKind;
  readonly namespace: string;
  /** The engine's kubeconfig, straight to the API server (its context names `namespace`). */
  readonly engineKubeconfigPath: string;
  readonly adminKubeconfigPath: string;
  /** bespin's `--volume CLAIM:DIR[:ro]` arguments for the claims opened with. */
  readonly volumeArgs: readonly string[];
  /** The stand-in, for fault injection; undefined on a real cluster. */
  readonly standin?: TestCluster;
  /** Starts recording one engine run: its API requests (through a recorder) and the namespace's pods. */
  record(): Promise<Recording>;
  /** Pods in the namespace, terminated or not. */
  podNames(): Promise<string[]>;
  readonly admin: KubeConfig;
  stop(): Promise<void>;
}

export interface Recording {
  /** Point the engine's KUBECONFIG here. */
  readonly kubeconfigPath: string;
  finish(): Promise<RunRecord>;
}

export interface RunRecord extends RequestCounts {
  /** The most pods at once, of those created while recording, that existed with containers not all ended. */
  readonly maxActivePods: number;
  /** Each pod the admin's watch saw created, as last seen (before its deletion, if it was deleted), in order of creation. */
  readonly pods: readonly V1Pod[];
}

export const REAL_CLUSTER_STATE = process.env.BESPIN_REALCLUSTER_STATE ?? '/var/lib/bespin-realcluster';
const UP_SCRIPT = fileURLToPath(new URL('../../../test/realcluster/up.sh', import.meta.url));

export function clusterKind(env: NodeJS.ProcessEnv = process.env): ClusterKind {
  const v = (env.BESPIN_TEST_CLUSTER ?? 'standin').toLowerCase();
  if (v === 'standin' || v === 'real' || v === 'kubeconfig') return v;
  throw new Error(`BESPIN_TEST_CLUSTER must be standin, real or kubeconfig, not '${v}'`);
}

/** The real local cluster's admin kubeconfig, bringing the cluster up when it is down. */
export function realClusterKubeconfig(): string {
  const kubeconfig = path.join(REAL_CLUSTER_STATE, 'admin.kubeconfig');
  if (!existsSync(path.join(REAL_CLUSTER_STATE, 'up'))) {
    execFileSync('bash', [UP_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return kubeconfig;
}

export interface OpenOptions {
  readonly claims: Readonly<Record<string, ClaimSpec>>;
  readonly kind?: ClusterKind;
  /** Real clusters: the namespace to use (default: BESPIN_TEST_NAMESPACE, else a new one); an existing one is cleaned, not deleted. */
  readonly namespace?: string;
  /** Stand-in only: its node's size. */
  readonly standinNode?: { cpu?: string; memory?: string };
}

export async function openCluster(options: OpenOptions): Promise<ClusterUnderTest> {
  const kind = options.kind ?? clusterKind();
  const volumeArgs = Object.entries(options.claims).map(([claim, c]) => `${claim}:${c.hostDir}${c.readOnly ? ':ro' : ''}`);
  const hostDirs = Object.fromEntries(Object.entries(options.claims).map(([claim, c]) => [claim, c.hostDir]));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bespin-cut-'));
  if (kind === 'standin') {
    const standin = await startTestCluster({ pvcs: hostDirs, ...(options.standinNode ? { node: options.standinNode } : {}) });
    const admin = new KubeConfig();
    admin.loadFromFile(standin.adminKubeconfigPath);
    return withRecording({
      kind, namespace: standin.namespace, engineKubeconfigPath: standin.kubeconfigPath, adminKubeconfigPath: standin.adminKubeconfigPath,
      volumeArgs, standin, admin, apiUrl: standin.url, engineToken: standin.engineToken, scratch,
      stop: async () => { await standin.stop(); rmSync(scratch, { recursive: true, force: true }); },
    });
  }
  const adminKubeconfigPath = kind === 'real' ? realClusterKubeconfig() : requiredKubeconfig();
  const p: Provisioned = await provision({
    adminKubeconfigPath, claims: hostDirs,
    readWriteOnce: Object.entries(options.claims).filter(([, c]) => c.readWriteOnce).map(([claim]) => claim),
    ...(options.namespace ?? process.env.BESPIN_TEST_NAMESPACE ? { namespace: options.namespace ?? process.env.BESPIN_TEST_NAMESPACE } : {}),
  });
  const cluster = p.admin.getCurrentCluster();
  if (!cluster) throw new Error(`${adminKubeconfigPath}: no current cluster`);
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64').toString() : cluster.caFile ? readFileSync(cluster.caFile, 'utf8') : undefined;
  const engineKubeconfigPath = path.join(scratch, 'engine.kubeconfig');
  await writeKubeconfig(engineKubeconfigPath, { server: cluster.server, user: p.engineServiceAccount, token: p.engineToken, namespace: p.namespace, cluster: 'bespin-real', ...(ca ? { ca } : {}) });
  return withRecording({
    kind, namespace: p.namespace, engineKubeconfigPath, adminKubeconfigPath, volumeArgs, admin: p.admin,
    apiUrl: cluster.server, ...(ca ? { ca } : {}), engineToken: p.engineToken, scratch,
    stop: async () => { await p.remove(); rmSync(scratch, { recursive: true, force: true }); },
  });
}

function requiredKubeconfig(): string {
  const k = process.env.KUBECONFIG;
  if (!k) throw new Error('BESPIN_TEST_CLUSTER=kubeconfig needs KUBECONFIG (an admin of the cluster)');
  return k;
}

/** A cluster opened, before recording is added: where its API is and the engine's credentials. */
type Base = Omit<ClusterUnderTest, 'record' | 'podNames'> & {
  readonly apiUrl: string;
  readonly ca?: string;
  readonly engineToken: string;
  /** A directory of the opening's own, removed by stop(). */
  readonly scratch: string;
};

function withRecording(base: Base): ClusterUnderTest {
  const core = base.admin.makeApiClient(CoreV1Api);
  let recordings = 0;
  const { apiUrl, ca, engineToken, scratch, ...rest } = base;
  return {
    ...rest,
    podNames: async () => (await core.listNamespacedPod({ namespace: base.namespace })).items.map((p) => p.metadata?.name ?? ''),
    record: async () => {
      const recorder = await startApiRecorder({ url: apiUrl, ...(ca ? { ca } : {}) });
      const kubeconfigPath = path.join(scratch, `recorded-${++recordings}.kubeconfig`);
      await recorder.writeKubeconfig(kubeconfigPath, engineToken, base.namespace);
      const pods = await watchActivePods(base.admin, base.namespace).catch(async (error: unknown) => {
        await recorder.close();
        throw error;
      });
      return {
        kubeconfigPath,
        finish: async () => {
          const counts = recorder.counts();
          await recorder.close();
          const seen = pods.stop();
          return { ...counts, maxActivePods: seen.maxActive, pods: seen.pods };
        },
      };
    },
  };
}

/**
 * An admin's watch on the namespace's pods: a pod is active from its creation
 * until its containers have ended (see `terminated`) or it is gone. The server orders
 * both by resourceVersion, so an engine that creates a pod only after seeing
 * another one end never shows the two as active together.
 */
async function watchActivePods(admin: KubeConfig, namespace: string): Promise<{ stop(): { maxActive: number; pods: V1Pod[] } }> {
  const core = admin.makeApiClient(CoreV1Api);
  const list = await core.listNamespacedPod({ namespace });
  const active = new Set<string>();
  // Pods that were there before (say, the engine's own) are not the run's.
  const before = new Set(list.items.map((p) => p.metadata?.uid ?? ''));
  const lastSeen = new Map<string, V1Pod>();
  let maxActive = 0;
  let failure: unknown;
  let stopped = false;
  let controller: AbortController | undefined;
  let resourceVersion = list.metadata?.resourceVersion;
  // The client ends a watch after 30 s without events: pick it up where it left off.
  const watch = async (): Promise<void> => {
    controller = await new Watch(admin).watch(`/api/v1/namespaces/${namespace}/pods`, { resourceVersion, allowWatchBookmarks: true }, (type, obj: V1Pod) => {
      resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
      const uid = obj.metadata?.uid ?? '';
      if (type === 'BOOKMARK') return;
      if (type === 'ERROR') { failure = JSON.stringify(obj); return; }
      if (before.has(uid)) return;
      if (type !== 'DELETED' || !lastSeen.has(uid)) lastSeen.set(uid, obj);
      if (type === 'DELETED' || terminated(obj)) active.delete(uid);
      else active.add(uid);
      maxActive = Math.max(maxActive, active.size);
    }, (error: unknown) => {
      if (stopped) return;
      // The client's own inactivity timeout ends a watch with a DOMException; anything else is a failure.
      if (error && !(error instanceof DOMException)) failure = error;
      if (!failure) watch().catch((e: unknown) => { failure = e; });
    });
  };
  await watch();
  return {
    stop: () => {
      stopped = true;
      controller?.abort();
      if (failure) throw new Error(`the admin's pod watch failed: ${String(failure)}`);
      return { maxActive, pods: [...lastSeen.values()] };
    },
  };
}

/**
 * A pod's work is over when its phase is terminal or, earlier, when every
 * container has terminated: a real kubelet publishes the container's end
 * first and the terminal phase only once the sandbox is torn down, and an
 * engine may rightly start the next step in between.
 */
function terminated(p: V1Pod): boolean {
  if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return true;
  const statuses = p.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((c) => c.state?.terminated !== undefined);
}
