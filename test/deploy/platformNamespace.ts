// The real cluster's side of the platform tests: the admin's access, the
// engine image on the node, a namespace set up from deploy/base as the
// platform sets one up, and the launcher's staging and polling of Jobs.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchV1Api, CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { realClusterKubeconfig } from '../helpers/clusterUnderTest.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const IMAGE = process.env.BESPIN_ENGINE_IMAGE ?? 'bespin/engine:test';
const CONTAINERD = '/run/bespin-realcluster/containerd.sock';

export interface Namespace {
  readonly name: string;
  /** Host directories behind the three claims. */
  readonly dirs: { readonly input: string; readonly tmpout: string; readonly output: string };
  readonly launcher: { batch: BatchV1Api; core: CoreV1Api };
  /** Every pod seen in the namespace, as last seen, by name. */
  readonly pods: Map<string, V1Pod>;
  readonly deleted: Set<string>;
}

export interface Admin {
  readonly config: KubeConfig;
  readonly kubeconfig: string;
}

let adminAccess: Admin | undefined;

/** The admin's credentials for the real cluster of test/realcluster/ (brought up when it is not). */
export function admin(): Admin {
  if (adminAccess === undefined) {
    const kubeconfig = realClusterKubeconfig();
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    adminAccess = { config, kubeconfig };
  }
  return adminAccess;
}

/**
 * The image, built from the Dockerfile with no registry (cached), then put
 * into the node's containerd as a node's image store would hold it.
 */
export function importEngineImage(): void {
  execFileSync('bash', [path.join(REPO, '.ci/build-engine-image.sh')], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, BESPIN_ENGINE_IMAGE: IMAGE } });
  const saved = spawnSync('sh', ['-c', `docker save ${IMAGE} | ctr --address ${CONTAINERD} -n k8s.io images import -`], { encoding: 'utf8' });
  assert.equal(saved.status, 0, `importing ${IMAGE} into the node: ${saved.stderr}`);
}

/** What each namespace set up here needs undone after the tests. */
export const opened: (() => Promise<void>)[] = [];

/** The PersistentVolume behind a claim of a namespace set up here (csi-s3 names a claim's bucket prefix after it). */
export const volumeName = (namespace: string, claim: string): string => `${namespace}-${claim}`;

/** Where the claims' volumes point: host directories, or prefixes of one S3 bucket through its FUSE mount (test/realcluster/s3.sh). */
export type Storage = { readonly kind: 'hostPath' } | { readonly kind: 's3'; readonly mount: string };

/** A namespace set up by `kubectl apply -k` from deploy/base, with hostPath volumes behind its claims and a watch on its pods. */
export async function setUpNamespace(storage: Storage = { kind: 'hostPath' }): Promise<Namespace> {
  const name = `bespin-deploy-${Math.random().toString(16).slice(2, 8)}`;
  const root = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  // On S3, each claim's volume is its own prefix of the bucket, <bucket>/<pv-name>/, as csi-s3 lays them out.
  const claimDir = (claim: string, local: string): string => (storage.kind === 's3' ? path.join(storage.mount, volumeName(name, claim)) : path.join(root, local));
  const dirs = { input: claimDir('calrissian-input-data', 'input'), tmpout: claimDir('calrissian-tmpout', 'tmpout'), output: claimDir('calrissian-output-data', 'output') };
  const overlay = path.join(root, 'overlay');
  for (const d of [root, ...Object.values(dirs), overlay]) {
    execFileSync('mkdir', ['-p', d]);
    await chmod(d, 0o777); // the engine runs as uid 1000
  }
  const storageClass = `bespin-hostpath-${name}`;
  await writeFile(path.join(overlay, 'kustomization.yaml'), baseOverlay(name, overlay, storageClass));
  const core = admin().config.makeApiClient(CoreV1Api);
  const claims = { 'calrissian-input-data': dirs.input, 'calrissian-tmpout': dirs.tmpout, 'calrissian-output-data': dirs.output };
  await createVolumes(core, name, storageClass, claims);
  const applied = spawnSync('kubectl', ['--kubeconfig', admin().kubeconfig, 'apply', '-k', overlay], { encoding: 'utf8' });
  assert.equal(applied.status, 0, `kubectl apply -k: ${applied.stderr}`);
  assert.match(applied.stdout, new RegExp(`namespace/${name} created`));
  assert.match(applied.stdout, /persistentvolumeclaim\/calrissian-tmpout created/);
  assert.match(applied.stdout, /networkpolicy\.networking\.k8s\.io\/bespin-no-network-access created/);

  const pods = new Map<string, V1Pod>();
  const deleted = new Set<string>();
  const watch = await watchPods(name, pods, deleted);
  opened.push(async () => {
    watch.stop();
    await core.deleteNamespace({ name, propagationPolicy: 'Background' }).catch(() => undefined);
    for (const claim of Object.keys(claims)) await core.deletePersistentVolume({ name: volumeName(name, claim) }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    if (storage.kind === 's3') for (const d of Object.values(dirs)) await rm(d, { recursive: true, force: true });
  });
  return { name, dirs, launcher: await launcherClients(core, name), pods, deleted };
}

/**
 * Every pod of the namespace as last seen, and those deleted. client-node's
 * watch ends after 30 s without an event, silently: it is started again
 * from the last resourceVersion seen, so no event is lost (a relist only
 * when the apiserver no longer has that version).
 */
async function watchPods(namespace: string, pods: Map<string, V1Pod>, deleted: Set<string>): Promise<{ stop: () => void }> {
  let resourceVersion: string | undefined;
  let stopped = false;
  let current: AbortController | undefined;
  const start = async (): Promise<void> => {
    if (stopped) return;
    current = await new Watch(admin().config).watch(`/api/v1/namespaces/${namespace}/pods`, { allowWatchBookmarks: true, resourceVersion }, (type: string, pod: V1Pod) => {
      if (type === 'ERROR') { resourceVersion = undefined; return; } // 410 Gone: start over from a list
      resourceVersion = pod.metadata?.resourceVersion ?? resourceVersion;
      if (type === 'BOOKMARK') return;
      pods.set(pod.metadata!.name!, pod);
      if (type === 'DELETED') deleted.add(pod.metadata!.name!);
    }, () => { if (!stopped) setTimeout(restart, 100); });
  };
  const restart = (): void => { start().catch(() => setTimeout(restart, 500)); };
  await start();
  return { stop: () => { stopped = true; current?.abort(); } };
}

/** The kustomization of a namespace from deploy/base, its claims of the given storage class. */
function baseOverlay(name: string, overlay: string, storageClass: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${name}
resources:
  - ${path.relative(overlay, path.join(REPO, 'deploy/base'))}
configMapGenerator:
  - name: bespin-params
    behavior: replace
    literals: [storageClassName=${storageClass}]
    options:
      disableNameSuffixHash: true
      annotations: {config.kubernetes.io/local-config: "true"}
`;
}

/** What a storage class's provisioner would make: one volume per claim. */
async function createVolumes(core: CoreV1Api, name: string, storageClass: string, claims: Record<string, string>): Promise<void> {
  for (const [claim, dir] of Object.entries(claims)) {
    await core.createPersistentVolume({
      body: {
        metadata: { name: volumeName(name, claim), labels: { 'bespin.io/test': 'true' } },
        spec: {
          capacity: { storage: '100Gi' }, accessModes: ['ReadWriteMany', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: storageClass, hostPath: { path: dir, type: 'Directory' }, claimRef: { namespace: name, name: claim },
        },
      },
    });
  }
}

/** The launcher acts with its own account's token, so rbac/'s launcher Role is what is tested. */
async function launcherClients(core: CoreV1Api, name: string): Promise<Namespace['launcher']> {
  const token = (await core.createNamespacedServiceAccountToken({ name: 'bespin-launcher', namespace: name, body: { spec: { audiences: [], expirationSeconds: 3600 } } })).status!.token!;
  const cluster = admin().config.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster], users: [{ name: 'launcher', token }],
    contexts: [{ name: 'launcher', cluster: cluster.name, user: 'launcher', namespace: name }], currentContext: 'launcher',
  });
  return { batch: kc.makeApiClient(BatchV1Api), core: kc.makeApiClient(CoreV1Api) };
}

/** Polls a Job every 2 s, as the platform does, until it is Complete or Failed. */
export async function pollJob(ns: Namespace, job: string, timeoutMs: number): Promise<'Complete' | 'Failed'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await ns.launcher.batch.readNamespacedJob({ name: job, namespace: ns.name });
    const done = j.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (done) return done.type as 'Complete' | 'Failed';
    if (Date.now() > deadline) throw new Error(`job ${job} did not finish in ${timeoutMs} ms: ${JSON.stringify(j.status)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** The launcher's staging Job: an alpine pod that writes files onto the input claim with `base64 -d`. */
export async function stage(ns: Namespace, files: Record<string, string>): Promise<void> {
  const script = Object.entries(files)
    .map(([file, text]) => `echo '${Buffer.from(text).toString('base64')}' | base64 -d > /calrissian/input-data/${file}`).join(' && ');
  await ns.launcher.batch.createNamespacedJob({
    namespace: ns.name,
    body: {
      metadata: { name: 'stage' },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never', automountServiceAccountToken: false,
            containers: [{
              name: 'stage', image: 'docker.io/alpine:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script],
              volumeMounts: [{ name: 'input', mountPath: '/calrissian/input-data' }],
            }],
            volumes: [{ name: 'input', persistentVolumeClaim: { claimName: 'calrissian-input-data' } }],
          },
        },
      },
    },
  });
  assert.equal(await pollJob(ns, 'stage', 120_000), 'Complete');
}
