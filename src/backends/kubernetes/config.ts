import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError, errorMessage, fileProblem } from '../../errors.js';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterConnection {
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly inCluster: boolean;
}

/** How the engine reaches its cluster, as the CLI read it from the environment. */
export interface ClusterAccess {
  /** In a pod (KUBERNETES_SERVICE_HOST set, a service account token mounted): the in-cluster configuration. */
  readonly inCluster: boolean;
  /** Outside one: the kubeconfig files (KUBECONFIG's list, else ~/.kube/config), merged in order. */
  readonly kubeconfigs: readonly string[];
}

/**
 * In-cluster configuration when running in a pod, else the kubeconfig
 * (KUBECONFIG or ~/.kube/config). Namespace: the service account's, else the
 * kubeconfig context's, else --namespace, else "default". A kubeconfig that
 * is missing, unreadable, not YAML or without a current cluster is one line
 * naming the file, not client-node's exception (nor a silent fallback to
 * localhost:8080, retried for 40 minutes).
 */
export function connect(namespaceOption: string | undefined, access: ClusterAccess): ClusterConnection {
  const kc = new KubeConfig();
  const inCluster = access.inCluster;
  if (inCluster) kc.loadFromCluster();
  else loadKubeconfig(kc, access.kubeconfigs);
  let namespace: string | undefined;
  if (inCluster) namespace = readFileSync(`${SERVICE_ACCOUNT_DIR}/namespace`, 'utf8').trim();
  namespace ??= kc.getContextObject(kc.getCurrentContext())?.namespace ?? namespaceOption ?? 'default';
  return { kc, namespace, inCluster };
}

function loadKubeconfig(kc: KubeConfig, files: readonly string[]): void {
  const where = files.join(path.delimiter);
  for (const file of files) {
    try {
      readFileSync(file);
    } catch (error) {
      throw new ValidationError(`kubeconfig ${file}: ${fileProblem(error)} (--backend kubernetes outside a cluster reads KUBECONFIG, else ~/.kube/config)`);
    }
  }
  try {
    // As loadFromDefault merges KUBECONFIG's files, from the list the CLI read.
    kc.loadFromFile(files[0]!);
    for (const file of files.slice(1)) {
      const next = new KubeConfig();
      next.loadFromFile(file);
      kc.mergeConfig(next);
    }
  } catch (error) {
    throw new ValidationError(`kubeconfig ${where}: ${errorMessage(error).split('\n')[0]}`);
  }
  if (!kc.getCurrentCluster()) {
    throw new ValidationError(`kubeconfig ${where}: no current cluster (current-context '${kc.getCurrentContext() || ''}' names none)`);
  }
}
