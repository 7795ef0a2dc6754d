import { readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError, errorMessage, fileProblem } from '../../errors.js';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterConnection {
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly inCluster: boolean;
}

export function runningInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(`${SERVICE_ACCOUNT_DIR}/token`);
}

/** The kubeconfig files client-node reads outside a cluster: KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  return listed.length > 0 ? listed : [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
}

/**
 * In-cluster configuration when running in a pod, else the kubeconfig
 * (KUBECONFIG or ~/.kube/config). Namespace: the service account's, else the
 * kubeconfig context's, else --namespace, else "default". A kubeconfig that
 * is missing, unreadable, not YAML or without a current cluster is one line
 * naming the file, not client-node's exception (nor a silent fallback to
 * localhost:8080, retried for 40 minutes).
 */
export function connect(namespaceOption: string | undefined, env: NodeJS.ProcessEnv = process.env): ClusterConnection {
  const kc = new KubeConfig();
  const inCluster = runningInCluster(env);
  if (inCluster) kc.loadFromCluster();
  else loadKubeconfig(kc, kubeconfigFiles(env));
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
    if (files.length === 1) kc.loadFromFile(files[0]!);
    else kc.loadFromDefault();
  } catch (error) {
    throw new ValidationError(`kubeconfig ${where}: ${errorMessage(error).split('\n')[0]}`);
  }
  if (!kc.getCurrentCluster()) {
    throw new ValidationError(`kubeconfig ${where}: no current cluster (current-context '${kc.getCurrentContext() || ''}' names none)`);
  }
}
