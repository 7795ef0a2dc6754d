import path from 'node:path';
import type { HostBackendOptions } from '../backends/host/hostBackend.js';
// Types only: the Kubernetes client is loaded when a cluster run asks for it.
import type { KubernetesSetupOptions } from '../backends/kubernetes/setup.js';
import type { OptionValues } from './conf.js';
import type { EngineEnvironment } from './environment.js';
import { listOf, type RunSettings } from './runOptions.js';

/** The run's one backend and its options (the logger is added when it is opened). */
export type BackendOptions =
  | { readonly kind: 'local'; readonly host: Omit<HostBackendOptions, 'logger'> }
  | { readonly kind: 'kubernetes'; readonly cluster: Omit<KubernetesSetupOptions, 'logger'> };

/** --backend, or where the engine runs (in a pod with a service account token: the cluster), with its options. */
export function backendOptions(values: OptionValues, run: RunSettings, environment: EngineEnvironment): BackendOptions {
  const logsOption = values['tool-logs-basepath'] ?? values['log-dir'];
  const toolLogsBasepath = typeof logsOption === 'string' ? path.resolve(logsOption) : undefined;
  // cwltool's --rm-container undoes a --leave-container given earlier (a conf file's, say).
  const leaveContainer = Boolean(values['leave-container']) && !values['rm-container'];
  const kind = run.backend ?? (environment.cluster.defaultsToCluster ? 'kubernetes' : 'local');
  if (kind === 'kubernetes') return { kind, cluster: kubernetesOptions(values, run, environment, { toolLogsBasepath, leaveContainer }) };
  return {
    kind,
    host: {
      containers: !values['no-container'], toolLogsBasepath, enclosingStepToken: environment.enclosingStepToken,
      docker: {
        forcePull: Boolean(values['force-docker-pull']), leaveContainer,
        matchUser: !values['no-match-user'], strictMemoryLimit: Boolean(values['strict-memory-limit']), disablePull: Boolean(values['disable-pull']),
        readOnly: !values['no-read-only'], maxDockerLoadBytes: environment.maxDockerLoadBytes, clientEnvironment: environment.variables,
      },
    },
  };
}

/** Calrissian's pod options, as the Kubernetes backend takes them. */
function kubernetesOptions(
  values: OptionValues, run: RunSettings, environment: EngineEnvironment,
  shared: { readonly toolLogsBasepath: string | undefined; readonly leaveContainer: boolean },
): Omit<KubernetesSetupOptions, 'logger'> {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  return {
    namespace: text('namespace'),
    volumes: listOf(values.volume),
    podLabels: text('pod-labels'),
    podEnvVars: text('pod-env-vars'),
    podNodeSelectors: text('pod-nodeselectors'),
    networkAccessPodLabel: text('network-access-pod-label'),
    noNetworkAccessPodLabel: text('no-network-access-pod-label'),
    serviceAccount: text('pod-serviceaccount'),
    priorityClass: text('pod-priority-class'),
    envFromSecrets: listOf(values['env-from-secret']),
    envFromConfigMaps: listOf(values['env-from-configmap']),
    imagePullSecrets: listOf(values['pod-image-pull-secret']),
    toolLogsBasepath: shared.toolLogsBasepath,
    leaveContainer: shared.leaveContainer,
    allowRoot: Boolean(values['pod-allow-root']),
    podsOnEngineNode: Boolean(values['pods-on-engine-node']),
    unschedulableTimeoutSeconds: run.unschedulableTimeoutSeconds,
    defaultImage: text('default-container') ?? 'docker.io/debian:stable-slim',
    forcePull: Boolean(values['force-docker-pull']),
    retry: environment.apiRetry,
    access: { inCluster: environment.cluster.inCluster, kubeconfigs: environment.cluster.kubeconfigs },
    ownPodName: environment.ownPodName,
    deletePods: environment.deletePods,
    streamLogs: environment.streamLogs,
  };
}
