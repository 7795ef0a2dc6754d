/** Kubeconfig files for the cluster's users (token auth, plain HTTP on loopback). */
import { writeFile } from 'node:fs/promises';
import { dump } from 'js-yaml';

export async function writeKubeconfig(file: string, opts: { server: string; user: string; token: string; namespace: string; cluster?: string; ca?: string }): Promise<void> {
  const cluster = opts.cluster ?? 'bespin-test';
  const context = `${opts.user}@${cluster}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // client-node refuses plain HTTP unless TLS verification is (nominally) skipped.
    clusters: [{ name: cluster, cluster: opts.ca ? { server: opts.server, 'certificate-authority-data': Buffer.from(opts.ca).toString('base64') } : { server: opts.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: opts.user, user: { token: opts.token } }],
    contexts: [{ name: context, context: { cluster, user: opts.user, namespace: opts.namespace } }],
    'current-context': context,
  };
  await writeFile(file, dump(config), { mode: 0o600 });
}
