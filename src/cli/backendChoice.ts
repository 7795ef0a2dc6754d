import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Backend } from '../backends/backend.js';
import { HostBackend } from '../backends/host/hostBackend.js';
// Types only: the Kubernetes client is loaded when a cluster run asks for it.
import type { KubernetesSetupOptions } from '../backends/kubernetes/setup.js';
import type { Logger } from '../logger.js';
import type { OptionValues } from './conf.js';
import type { RunOptions } from './runOptions.js';

/** --backend, or where the engine runs: in a pod with a service account token, the cluster. */
function backendName(checked: RunOptions): 'local' | 'kubernetes' {
  if (checked.backend) return checked.backend;
  const inCluster = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token') && process.env.KUBERNETES_SERVICE_HOST;
  return inCluster ? 'kubernetes' : 'local';
}

/** The one backend every CommandLineTool job of the run goes to, opened from the options. */
export async function openBackend(options: OptionValues, checked: RunOptions, logger: Logger): Promise<Backend> {
  const logsOption = options['tool-logs-basepath'] ?? options['log-dir'];
  const toolLogsBasepath = typeof logsOption === 'string' ? path.resolve(logsOption) : undefined;
  // cwltool's --rm-container undoes a --leave-container given earlier (a conf file's, say).
  const leaveContainer = Boolean(options['leave-container']) && !options['rm-container'];
  if (backendName(checked) === 'kubernetes') {
    // Loaded only when asked for: the Kubernetes client costs start-up time.
    const { createKubernetesBackend } = await import('../backends/kubernetes/setup.js');
    return createKubernetesBackend(kubernetesOptions(options, checked, { toolLogsBasepath, leaveContainer, logger }));
  }
  const enclosingStepToken = process.env.BESPIN_STEP_TOKEN;
  return new HostBackend({
    containers: !options['no-container'], logger, ...(toolLogsBasepath ? { toolLogsBasepath } : {}),
    ...(enclosingStepToken ? { enclosingStepToken } : {}),
    docker: {
      forcePull: Boolean(options['force-docker-pull']), leaveContainer,
      matchUser: !options['no-match-user'], strictMemoryLimit: Boolean(options['strict-memory-limit']), disablePull: Boolean(options['disable-pull']),
      readOnly: !options['no-read-only'], maxDockerLoadBytes: checked.maxDockerLoadBytes,
    },
  });
}

/** Calrissian's pod options, as the Kubernetes backend takes them. */
function kubernetesOptions(
  options: OptionValues, checked: RunOptions,
  shared: { readonly toolLogsBasepath: string | undefined; readonly leaveContainer: boolean; readonly logger: Logger },
): KubernetesSetupOptions {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  return {
    ...(typeof options.namespace === 'string' ? { namespace: options.namespace } : {}),
    volumes: list(options.volume),
    ...(typeof options['pod-labels'] === 'string' ? { podLabels: options['pod-labels'] } : {}),
    ...(typeof options['pod-env-vars'] === 'string' ? { podEnvVars: options['pod-env-vars'] } : {}),
    ...(typeof options['pod-nodeselectors'] === 'string' ? { podNodeSelectors: options['pod-nodeselectors'] } : {}),
    ...(typeof options['network-access-pod-label'] === 'string' ? { networkAccessPodLabel: options['network-access-pod-label'] } : {}),
    ...(typeof options['no-network-access-pod-label'] === 'string' ? { noNetworkAccessPodLabel: options['no-network-access-pod-label'] } : {}),
    ...(typeof options['pod-serviceaccount'] === 'string' ? { serviceAccount: options['pod-serviceaccount'] } : {}),
    ...(typeof options['pod-priority-class'] === 'string' ? { priorityClass: options['pod-priority-class'] } : {}),
    envFromSecrets: list(options['env-from-secret']),
    envFromConfigMaps: list(options['env-from-configmap']),
    imagePullSecrets: list(options['pod-image-pull-secret']),
    ...(shared.toolLogsBasepath ? { toolLogsBasepath: shared.toolLogsBasepath } : {}),
    leaveContainer: shared.leaveContainer,
    allowRoot: Boolean(options['pod-allow-root']),
    unschedulableTimeoutSeconds: checked.unschedulableTimeoutSeconds,
    defaultImage: typeof options['default-container'] === 'string' ? options['default-container'] : 'docker.io/debian:stable-slim',
    forcePull: Boolean(options['force-docker-pull']),
    retry: checked.apiRetry,
    logger: shared.logger,
  };
}
