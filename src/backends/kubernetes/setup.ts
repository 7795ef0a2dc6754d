import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { UsageError, ValidationError, fileProblem } from '../../errors.js';
import { schemaProblems } from '../../validate/schemas.js';
import type { Logger } from '../../logger.js';
import { withRetries, type RetryPolicy } from './apiRetry.js';
import { connect, type ClusterAccess } from './config.js';
import { KubernetesBackend } from './kubernetesBackend.js';
import { removeOrphanedStepPods } from './orphans.js';
import type { PodOptions } from './podSpec.js';
import { VolumeMap, type VolumeMount } from './storage.js';

/** The engine options that shape step pods (Calrissian's flags). */
export interface KubernetesSetupOptions {
  readonly namespace?: string;
  readonly volumes: readonly string[];
  readonly podLabels?: string;
  readonly podEnvVars?: string;
  readonly podNodeSelectors?: string;
  readonly networkAccessPodLabel?: string;
  readonly noNetworkAccessPodLabel?: string;
  readonly serviceAccount?: string;
  /** --pod-allow-root: step pods may run as root when the engine does. */
  readonly allowRoot: boolean;
  /** --pods-on-engine-node: step pods go to the node the engine's own pod (ownPodName) runs on. */
  readonly podsOnEngineNode: boolean;
  readonly priorityClass?: string;
  readonly envFromSecrets: readonly string[];
  readonly envFromConfigMaps: readonly string[];
  readonly imagePullSecrets: readonly string[];
  readonly toolLogsBasepath?: string;
  readonly leaveContainer: boolean;
  readonly unschedulableTimeoutSeconds: number;
  readonly defaultImage: string;
  /** --force-docker-pull: pods pull their image every time (imagePullPolicy Always). */
  readonly forcePull: boolean;
  /** RETRY_* as the CLI read them. */
  readonly retry: RetryPolicy;
  /** In-cluster, or the kubeconfig files (KUBERNETES_SERVICE_HOST, KUBECONFIG as the CLI read them). */
  readonly access: ClusterAccess;
  /** CALRISSIAN_POD_NAME: the engine's own pod. */
  readonly ownPodName?: string;
  /** CALRISSIAN_DELETE_PODS: finished step pods are deleted (unless --leave-container). */
  readonly deletePods: boolean;
  /** CALRISSIAN_STREAM_LOGS: step pods' logs are followed into the engine's. */
  readonly streamLogs: boolean;
  readonly logger: Logger;
}

/** A labels or env-vars file (YAML or JSON), checked against its schema in schemas/. */
async function stringMap(file: string | undefined, what: string, schema: 'pod-labels' | 'pod-env-vars'): Promise<Record<string, string>> {
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = load(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ValidationError(`${what} ${file}: ${fileProblem(error).split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  const problems = await schemaProblems(schema, parsed);
  if (problems.length > 0) throw new ValidationError(`${what} ${file}: ${problems.join('; ')}`);
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** What the engine's own pod gives step pods: its claims, its owner reference, its user and group, its node. */
interface EngineIdentity {
  readonly mounts: readonly VolumeMount[];
  readonly owner?: { readonly name: string; readonly uid: string };
  readonly runAsUser?: number | undefined;
  readonly runAsGroup?: number | undefined;
  readonly fsGroup?: number | undefined;
  readonly nodeName?: string | undefined;
}

/**
 * Connects to the cluster and works out storage and pod identity: in-cluster
 * the engine's own pod (found by list + fieldSelector — the role has no
 * `get` on pods) gives the PVC mounts and the owner of every step pod.
 */
export async function createKubernetesBackend(options: KubernetesSetupOptions): Promise<KubernetesBackend> {
  if (options.podsOnEngineNode && !options.ownPodName) {
    throw new UsageError("--pods-on-engine-node places step pods on the node of the engine's own pod, but CALRISSIAN_POD_NAME names none: run the engine in a pod (or name a pod that mounts the claims), or leave the option out");
  }
  const { kc, namespace } = connect(options.namespace, options.access);
  const core = kc.makeApiClient(CoreV1Api);
  const engine = await engineIdentity(core, namespace, options);
  if (engine.runAsUser === 0 && !options.allowRoot) {
    throw new ValidationError('the engine runs as root, and step pods run as the engine\'s user: run the engine as another user (the platform uses uid 1000), or pass --pod-allow-root to let step pods run as root');
  }
  return new KubernetesBackend({
    kc,
    volumes: new VolumeMap(engine.mounts),
    retry: options.retry,
    deletePods: !options.leaveContainer && options.deletePods,
    streamLogs: options.streamLogs,
    ...(options.toolLogsBasepath ? { toolLogsBasepath: options.toolLogsBasepath } : {}),
    unschedulableTimeoutMs: options.unschedulableTimeoutSeconds * 1000,
    logger: options.logger,
    pod: {
      namespace,
      runId: randomBytes(6).toString('hex'),
      ...(await podMaps(options)),
      envFromSecrets: options.envFromSecrets,
      envFromConfigMaps: options.envFromConfigMaps,
      imagePullSecrets: options.imagePullSecrets,
      ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
      ...(options.priorityClass ? { priorityClassName: options.priorityClass } : {}),
      ...(engine.runAsUser !== undefined ? { runAsUser: engine.runAsUser } : {}),
      ...(engine.runAsGroup !== undefined ? { runAsGroup: engine.runAsGroup } : {}),
      ...(engine.fsGroup !== undefined ? { fsGroup: engine.fsGroup } : {}),
      allowRoot: options.allowRoot,
      ...(engine.owner ? { owner: engine.owner } : {}),
      ...(options.podsOnEngineNode && engine.nodeName ? { engineNode: engine.nodeName } : {}),
      defaultImage: options.defaultImage,
      imagePullPolicy: options.forcePull ? 'Always' : 'IfNotPresent',
    },
  });
}

/**
 * As in Calrissian, CALRISSIAN_POD_NAME names the engine's pod wherever the
 * engine runs: outside the cluster a placeholder pod that mounts the claims
 * gives the same volumes and owner as in-cluster. Without it: the --volume
 * claims and the engine process's own user and group.
 */
async function engineIdentity(core: CoreV1Api, namespace: string, options: KubernetesSetupOptions): Promise<EngineIdentity> {
  const mounts: VolumeMount[] = [...VolumeMap.fromOptions(options.volumes).mounts];
  const runAsUser = process.getuid?.();
  const runAsGroup = process.getgid?.();
  const ownName = options.ownPodName;
  if (!ownName) return { mounts, runAsUser, runAsGroup };
  const list = await withRetries({ verb: 'list', resource: 'pods', namespace }, () => core.listNamespacedPod({ namespace, fieldSelector: `metadata.name=${ownName}` }), options.retry, { onRetry: (m) => options.logger.warn(m) });
  const self: V1Pod | undefined = list.items[0];
  if (!self) throw new ValidationError(`CALRISSIAN_POD_NAME=${ownName}: no such pod in namespace ${namespace}`);
  for (const m of ownVolumeMounts(self)) {
    if (!mounts.some((k) => k.claim === m.claim && k.mountPath === m.mountPath)) mounts.push(m);
  }
  // A Job's new engine pod after the last one died: that one's step pods are no longer anyone's.
  await removeOrphanedStepPods(core, namespace, self, options.retry, options.logger);
  const nodeName = self.spec?.nodeName;
  if (options.podsOnEngineNode && !nodeName) {
    throw new ValidationError(`--pods-on-engine-node: the engine's pod ${ownName} is on no node yet (spec.nodeName is empty), so there is no node to place step pods on`);
  }
  const context = self.spec?.securityContext;
  return {
    mounts, owner: { name: ownName, uid: self.metadata?.uid ?? '' }, nodeName,
    runAsUser: context?.runAsUser ?? runAsUser, runAsGroup: context?.runAsGroup ?? runAsGroup, fsGroup: context?.fsGroup,
  };
}

/** The labels, environment and node selectors of step pods, from the files the options name. */
async function podMaps(options: KubernetesSetupOptions): Promise<Pick<PodOptions, 'labels' | 'env' | 'nodeSelector' | 'networkAccessLabels' | 'noNetworkAccessLabels'>> {
  return {
    labels: await stringMap(options.podLabels, '--pod-labels', 'pod-labels'),
    env: await stringMap(options.podEnvVars, '--pod-env-vars', 'pod-env-vars'),
    nodeSelector: await stringMap(options.podNodeSelectors, '--pod-nodeselectors', 'pod-labels'),
    networkAccessLabels: await stringMap(options.networkAccessPodLabel, '--network-access-pod-label', 'pod-labels'),
    noNetworkAccessLabels: await stringMap(options.noNetworkAccessPodLabel, '--no-network-access-pod-label', 'pod-labels'),
  };
}

/** The PVC mounts of the engine's own container. */
function ownVolumeMounts(self: V1Pod): VolumeMount[] {
  const claims = new Map<string, { claim: string; readOnly: boolean }>();
  for (const v of self.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim) claims.set(v.name, { claim: v.persistentVolumeClaim.claimName, readOnly: v.persistentVolumeClaim.readOnly === true });
  }
  const container = self.spec?.containers[0];
  return (container?.volumeMounts ?? []).flatMap((m) => {
    const c = claims.get(m.name);
    return c && !m.subPath ? [{ claim: c.claim, mountPath: m.mountPath, readOnly: c.readOnly || m.readOnly === true }] : [];
  });
}
