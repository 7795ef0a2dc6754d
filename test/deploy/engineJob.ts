// The engine Job of deploy/example/run as the platform or a launcher creates
// it, run to its end, with the engine pod's memory sampled from the node.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CoreV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { IMAGE, REPO, admin, pollJob, type Namespace } from './platformNamespace.js';

const ENGINE_JOB = load(readFileSync(path.join(REPO, 'deploy/example/run/engine-job.yaml'), 'utf8')) as V1Job;

/** The first command line: the platform's, for a document staged as <name>.cwl with a job.json. */
export const platformCommand = (name: string): string[] => [
  'calrissian', '--max-ram', '128G', '--max-cores', '1000', '--force-docker-pull',
  '--pod-env-vars', '/calrissian/config/environment.yaml',
  '--pod-labels', '/calrissian/config/pod-labels.json',
  '--tmp-outdir-prefix', '/calrissian/tmpout/',
  '--outdir', `/calrissian/output-data/${name}`,
  '--stdout', `/calrissian/output-data/${name}.cwl-outputs.json`,
  '--stderr', `/calrissian/output-data/${name}.cwl-stderr.log`,
  `/calrissian/input-data/${name}.cwl`, 'job.json',
];

export interface EngineRun {
  readonly status: 'Complete' | 'Failed';
  readonly enginePod: string;
  /** The engine pod's memory, sampled from the node every 100 ms: the highest resident size seen, and the kernel's peak (page cache included). */
  readonly memory: { readonly rss: number; readonly peak: number };
  readonly stepPods: V1Pod[];
}

/**
 * The engine Job of deploy/example/run with this run's command line and
 * security context (platform: pod-level uid 1000 gid 0; launcher:
 * container-level uid 1000 gid 1000), created by the launcher and polled.
 */
export async function runEngineJob(
  ns: Namespace, command: string[], security: 'platform' | 'launcher',
  options: { midRun?: (enginePod: string) => Promise<void>; homeConf?: Record<string, unknown>; backoffLimit?: number } = {},
): Promise<EngineRun> {
  const job = structuredClone(ENGINE_JOB);
  job.metadata = { name: 'engine' };
  // More than 0: the Job starts a new engine pod when one dies.
  if (options.backoffLimit !== undefined) job.spec!.backoffLimit = options.backoffLimit;
  const pod = job.spec!.template.spec!;
  const container = pod.containers[0]!;
  container.image = IMAGE;
  container.command = command;
  // The platform's first command line names its job object as `job.json`.
  container.workingDir = '/calrissian/input-data';
  if (security === 'launcher') {
    delete pod.securityContext;
    container.securityContext = { runAsUser: 1000, runAsGroup: 1000 };
  }
  if (options.homeConf) {
    // ~/.calrissian/default.json, from a ConfigMap: the same command line, more options.
    await ns.launcher.core.listNamespacedPersistentVolumeClaim({ namespace: ns.name }); // the launcher may see the claims
    await admin().config.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'engine-home' }, data: { 'default.json': JSON.stringify(options.homeConf) } } });
    pod.volumes!.push({ name: 'home', configMap: { name: 'engine-home' } });
    container.volumeMounts!.push({ name: 'home', mountPath: '/home/bespin/.calrissian', readOnly: true });
  }
  await ns.launcher.batch.createNamespacedJob({ namespace: ns.name, body: job });
  let enginePod = '';
  const memory = { rss: 0, peak: 0 };
  let polling = true;
  const sampler = (async () => {
    while (polling) {
      const engine = [...ns.pods.values()].find((p) => p.metadata?.labels?.['job-name'] === 'engine');
      if (engine) {
        enginePod = engine.metadata!.name!;
        const sample = cgroupMemory(engine.metadata!.uid!);
        if (sample) { memory.rss = Math.max(memory.rss, sample.rss); memory.peak = Math.max(memory.peak, sample.peak); }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let midRun: Promise<void> | undefined;
  if (options.midRun) {
    midRun = (async () => {
      for (let i = 0; i < 600; i++) {
        const running = [...ns.pods.values()].filter((p) => p.metadata?.labels?.['bespin.io/run'] && p.status?.phase === 'Running');
        if (running.length > 0 && enginePod) return options.midRun!(enginePod);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no step pod ever ran');
    })();
  }
  try {
    const status = await pollJob(ns, 'engine', 600_000);
    await midRun;
    return { status, enginePod, memory, stepPods: [...ns.pods.values()].filter((p) => p.metadata?.labels?.['bespin.io/run']) };
  } finally {
    polling = false;
    await sampler;
  }
}

interface MemorySample {
  /** Resident memory (anonymous pages: what cannot be reclaimed) now, in bytes. */
  readonly rss: number;
  /** The kernel's own peak, page cache included (which it reclaims before it kills), in bytes. */
  readonly peak: number;
}

/**
 * The memory of a pod's cgroup on this node: cgroup v1 (memory.stat's
 * total_rss, memory.max_usage_in_bytes) or v2 (memory.stat's anon,
 * memory.peak), with the kubelet's cgroupfs layout. Undefined when it is gone.
 */
function cgroupMemory(podUid: string): MemorySample | undefined {
  const found = podCgroup(podUid);
  if (!found) return undefined;
  const { dir, v1 } = found;
  try {
    const stat = Object.fromEntries(readFileSync(path.join(dir, 'memory.stat'), 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
    const peak = Number(readFileSync(path.join(dir, v1 ? 'memory.max_usage_in_bytes' : 'memory.peak'), 'utf8').trim());
    return { rss: (v1 ? stat.total_rss : stat.anon) ?? 0, peak };
  } catch { return undefined; }
}

/**
 * SIGKILLs every process of a pod's container on this node, as the kernel's
 * OOM killer ends a container: its PID 1 too (the command line of a Job
 * replaces the image's tini), which nothing inside the container can kill.
 * The pod's sandbox is left alone. Returns how many processes were killed.
 */
export function killContainerProcesses(pod: V1Pod): number {
  const found = podCgroup(pod.metadata!.uid!);
  const container = pod.status?.containerStatuses?.[0]?.containerID?.replace(/^\w+:\/\//, '');
  if (!found || !container) throw new Error(`no cgroup for the container of pod ${pod.metadata!.name} on this node`);
  const dir = readdirSync(found.dir).find((d) => d.includes(container));
  if (!dir) throw new Error(`no cgroup for container ${container} under ${found.dir}`);
  const pids = readFileSync(path.join(found.dir, dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids.length;
}

/** A pod's memory cgroup directory on this node (cgroup v1's memory hierarchy, or v2), with the kubelet's cgroupfs layout. */
function podCgroup(podUid: string): { dir: string; v1: boolean } | undefined {
  const want = `pod${podUid}`;
  const search = (dir: string, depth: number): string | undefined => {
    if (depth > 3) return undefined;
    let entries: string[];
    try { entries = readdirSync(dir); } catch { return undefined; }
    if (entries.includes(want)) return path.join(dir, want);
    for (const e of entries) if (e.startsWith('kubepods') || e === 'besteffort' || e === 'burstable') { const f = search(path.join(dir, e), depth + 1); if (f) return f; }
    return undefined;
  };
  const v1 = search('/sys/fs/cgroup/memory', 0);
  const dir = v1 ?? search('/sys/fs/cgroup', 0);
  return dir ? { dir, v1: v1 !== undefined } : undefined;
}
