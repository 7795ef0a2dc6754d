/**
 * What a test needs on a real cluster, made with an admin's credentials: a
 * namespace of its own, a hostPath PersistentVolume bound to each claim (the
 * engine and the node share the host directories), the engine's
 * ServiceAccount with exactly the Role and RoleBinding of `rbac/`, and a
 * token for it. bespin then runs with only the platform's verbs.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CoreV1Api, KubeConfig, RbacAuthorizationV1Api,
  type V1Role, type V1RoleBinding, type V1ServiceAccount,
} from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';

export const REPO_RBAC = fileURLToPath(new URL('../../../rbac/', import.meta.url));

export interface ProvisionOptions {
  /** The admin's kubeconfig. */
  readonly adminKubeconfigPath: string;
  /** Namespace to create (and delete afterwards); default `bespin-test-<random>`. */
  readonly namespace?: string;
  /** Claim name → host directory, backed by hostPath PersistentVolumes. */
  readonly claims: Readonly<Record<string, string>>;
  /** Claims (and their volumes) that are ReadWriteOnce, as on clusters without shared storage; the others ReadWriteMany. */
  readonly readWriteOnce?: readonly string[];
  /** Seconds the engine's token is valid (default 4 h). */
  readonly tokenSeconds?: number;
}

export interface Provisioned {
  readonly namespace: string;
  readonly engineServiceAccount: string;
  readonly engineToken: string;
  readonly admin: KubeConfig;
  /** Deletes the namespace (and with it every pod) and the PersistentVolumes. */
  remove(): Promise<void>;
}

type Manifest = V1Role | V1RoleBinding | V1ServiceAccount;

async function rbacManifests(dir: string): Promise<Manifest[]> {
  // The engine's manifests only: the launcher's are deploy/'s business.
  const files = (await readdir(dir)).filter((f) => /^engine-.*\.ya?ml$/.test(f)).sort();
  const docs: Manifest[] = [];
  for (const f of files) {
    for (const doc of loadAll(await readFile(path.join(dir, f), 'utf8'))) {
      if (doc && typeof doc === 'object') docs.push(doc as Manifest);
    }
  }
  return docs;
}

export async function provision(options: ProvisionOptions): Promise<Provisioned> {
  const admin = new KubeConfig();
  admin.loadFromFile(options.adminKubeconfigPath);
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const made: Made = { namespace: options.namespace ?? `bespin-test-${randomBytes(4).toString('hex')}`, ownNamespace: true, pvNames: [], created: [] };
  const namespace = made.namespace;

  // A namespace that exists already (say `default`, where Calrissian runs from
  // outside a cluster) is used as it is and cleaned, not deleted.
  await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'bespin.io/test': 'true' } } } }).catch((error: { code?: number }) => {
    if (error.code !== 409 || options.namespace === undefined) throw error;
    made.ownNamespace = false;
  });
  const remove = (): Promise<void> => removeMade(core, rbac, made);
  try {
    await createClaims(core, made, options.claims, new Set(options.readWriteOnce ?? []));
    const engineServiceAccount = await createEngineAccount(core, rbac, made);
    await waitForBound(core, namespace, Object.keys(options.claims));
    // The account comes from rbac/'s manifests, created above.
    const t = await core.createNamespacedServiceAccountToken({
      name: engineServiceAccount, namespace, body: { spec: { audiences: [], expirationSeconds: options.tokenSeconds ?? 4 * 3600 } },
    });
    const engineToken = t.status?.token;
    if (!engineToken) throw new Error(`no token issued for ${namespace}/${engineServiceAccount}`);
    return { namespace, engineServiceAccount, engineToken, admin, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** What provision made so far, so that removing takes back exactly that. */
interface Made {
  readonly namespace: string;
  ownNamespace: boolean;
  readonly pvNames: string[];
  readonly created: { kind: 'pvc' | 'sa' | 'role' | 'binding'; name: string }[];
}

async function removeMade(core: CoreV1Api, rbac: RbacAuthorizationV1Api, made: Made): Promise<void> {
  const namespace = made.namespace;
  if (made.ownNamespace) {
    await core.deleteNamespace({ name: namespace, propagationPolicy: 'Background' }).catch(() => undefined);
  } else {
    await core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
    for (const c of made.created.reverse()) {
      const gone = (): undefined => undefined;
      if (c.kind === 'pvc') await core.deleteNamespacedPersistentVolumeClaim({ name: c.name, namespace }).catch(gone);
      if (c.kind === 'sa') await core.deleteNamespacedServiceAccount({ name: c.name, namespace }).catch(gone);
      if (c.kind === 'role') await rbac.deleteNamespacedRole({ name: c.name, namespace }).catch(gone);
      if (c.kind === 'binding') await rbac.deleteNamespacedRoleBinding({ name: c.name, namespace }).catch(gone);
    }
  }
  for (const name of made.pvNames) await core.deletePersistentVolume({ name }).catch(() => undefined);
}

/** A hostPath PersistentVolume and its claim for each claim name. */
async function createClaims(core: CoreV1Api, made: Made, claims: Readonly<Record<string, string>>, readWriteOnce: ReadonlySet<string>): Promise<void> {
  const namespace = made.namespace;
  for (const [claim, dir] of Object.entries(claims)) {
    const accessModes = [readWriteOnce.has(claim) ? 'ReadWriteOnce' : 'ReadWriteMany'];
    const pvName = `${namespace}-${claim}`.slice(0, 253);
    made.pvNames.push(pvName);
    // Pre-bound both ways, so the binder pairs exactly these two.
    await core.createPersistentVolume({
      body: {
        metadata: { name: pvName, labels: { 'bespin.io/test': 'true' } },
        spec: {
          capacity: { storage: '100Gi' }, accessModes, persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '', hostPath: { path: path.resolve(dir), type: 'Directory' },
          claimRef: { namespace, name: claim },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: claim },
        spec: { accessModes, storageClassName: '', volumeName: pvName, resources: { requests: { storage: '100Gi' } } },
      },
    });
    made.created.push({ kind: 'pvc', name: claim });
  }
}

/** The engine's ServiceAccount, Role and RoleBinding from rbac/, in the namespace; returns the account's name. */
async function createEngineAccount(core: CoreV1Api, rbac: RbacAuthorizationV1Api, made: Made): Promise<string> {
  const namespace = made.namespace;
  let engineServiceAccount = 'bespin-engine';
  for (const m of await rbacManifests(REPO_RBAC)) {
    const body = { ...m, metadata: { ...m.metadata, namespace } };
    if (m.kind === 'ServiceAccount') {
      engineServiceAccount = m.metadata?.name ?? engineServiceAccount;
      await core.createNamespacedServiceAccount({ namespace, body: body as V1ServiceAccount });
      made.created.push({ kind: 'sa', name: engineServiceAccount });
    } else if (m.kind === 'Role') {
      await rbac.createNamespacedRole({ namespace, body: body as V1Role });
      made.created.push({ kind: 'role', name: m.metadata?.name ?? '' });
    } else if (m.kind === 'RoleBinding') {
      const binding = body as V1RoleBinding;
      binding.subjects = (binding.subjects ?? []).map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace } : s));
      await rbac.createNamespacedRoleBinding({ namespace, body: binding });
      made.created.push({ kind: 'binding', name: m.metadata?.name ?? '' });
    } else {
      throw new Error(`rbac/: unexpected kind ${String((m as { kind?: string }).kind)}`);
    }
  }
  return engineServiceAccount;
}

async function waitForBound(core: CoreV1Api, namespace: string, claims: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const list = await core.listNamespacedPersistentVolumeClaim({ namespace });
    const unbound = claims.filter((c) => list.items.find((p) => p.metadata?.name === c)?.status?.phase !== 'Bound');
    if (unbound.length === 0) return;
    if (Date.now() > deadline) throw new Error(`claims not bound within 60 s: ${unbound.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
