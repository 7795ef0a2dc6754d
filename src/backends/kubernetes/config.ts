import { readFileSync, existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterConnection {
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly inCluster: boolean;
}

export function runningInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(`${SERVICE_ACCOUNT_DIR}/token`);
}

/**
 * In-cluster configuration when running in a pod, else the kubeconfig
 * (KUBECONFIG or ~/.kube/config). Namespace: the service account's, else the
 * kubeconfig context's, else --namespace, else "default".
 */
export function connect(namespaceOption: string | undefined): ClusterConnection {
  const kc = new KubeConfig();
  const inCluster = runningInCluster();
  if (inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  let namespace: string | undefined;
  if (inCluster) namespace = readFileSync(`${SERVICE_ACCOUNT_DIR}/namespace`, 'utf8').trim();
  namespace ??= kc.getContextObject(kc.getCurrentContext())?.namespace ?? namespaceOption ?? 'default';
  return { kc, namespace, inCluster };
}
