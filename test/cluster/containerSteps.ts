/** Steps of starting and ending a container that the kubelet takes outside the runtime: image pulls, the exit state, termination messages. */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { Api } from './api.js';
import { containerCreateBody } from './containerConfig.js';
import { timestamp } from './defaults.js';
import type { ContainerState as DockerState, Docker, ImageInfo } from './docker.js';
import type { Faults } from './faults.js';
import { parseImage, pullFailureMessage } from './images.js';
import type { ContainerRuntime } from './podStatus.js';
import { findResource } from './resources.js';
import type { KObject, Obj } from './store.js';
import { prepareSubPaths } from './volumes.js';

export interface PullHost {
  readonly terminating: boolean;
  readonly deps: { readonly docker: Docker; readonly faults: Faults; readonly timing: { readonly imagePullBackoffMs: number } };
  sleep(ms: number): Promise<void>;
  setWaiting(c: ContainerRuntime, reason: string, message?: string): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string, c?: ContainerRuntime): void;
}

/**
 * The container's image, "pulled" as the kubelet would: only images present
 * locally (never from a registry); missing ones cycle through ErrImagePull
 * and ImagePullBackOff with a doubling back-off until they appear. Undefined
 * when the container can never start (InvalidImageName, pull policy Never) or
 * the pod is terminating.
 */
export async function pullImage(host: PullHost, c: ContainerRuntime): Promise<ImageInfo | undefined> {
  const image = c.spec.image as string;
  const ref = parseImage(image);
  if (!ref.ok) {
    host.setWaiting(c, 'InvalidImageName', ref.message);
    host.event('Warning', 'InspectFailed', ref.message, c);
    host.event('Warning', 'Failed', 'Error: InvalidImageName', c);
    return undefined;
  }
  c.image = ref.normalized;
  let backoff = host.deps.timing.imagePullBackoffMs;
  for (;;) {
    const info = host.deps.faults.imagePullFails(image) ? undefined : await host.deps.docker.imageInspect(image);
    if (host.terminating) return undefined;
    if (info) {
      c.imageID = `docker://${info.Id}`;
      return info;
    }
    if (c.spec.imagePullPolicy === 'Never') {
      host.setWaiting(c, 'ErrImageNeverPull', `Container image ${JSON.stringify(image)} is not present with pull policy of Never`);
      return undefined;
    }
    const msg = pullFailureMessage(image, ref.normalized);
    host.event('Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`, c);
    host.setWaiting(c, 'ErrImagePull', msg);
    host.event('Warning', 'Failed', msg, c);
    host.event('Warning', 'Failed', 'Error: ErrImagePull', c);
    await host.sleep(host.deps.timing.imagePullBackoffMs);
    if (host.terminating) return undefined;
    host.setWaiting(c, 'ImagePullBackOff', `Back-off pulling image ${JSON.stringify(image)}`);
    host.event('Normal', 'BackOff', `Back-off pulling image ${JSON.stringify(image)}`, c);
    host.event('Warning', 'Failed', 'Error: ImagePullBackOff', c);
    await host.sleep(backoff);
    if (host.terminating) return undefined;
    backoff = Math.min(backoff * 2, 30_000);
  }
}

/**
 * Docker can report a container's exit before its OOM event: a SIGKILLed
 * container is given a moment for `OOMKilled` (or the `oom` event) to show.
 */
export async function lateOom(docker: Docker, id: string, oomEvents: ReadonlySet<string>): Promise<boolean> {
  // Up to 3 s: under load (a full test run on 2 cores) the flag was seen to take over 0.5 s.
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (oomEvents.has(id) || (await docker.inspect(id))?.State.OOMKilled) return true;
  }
  return false;
}

/** Docker's RFC 3339 nanosecond times, at metav1.Time's second precision. */
export const seconds = (t: string | undefined): string => (t && !t.startsWith('0001') ? timestamp(new Date(t)) : timestamp());

/**
 * The terminated state of a container that exited. A SIGKILL the node did
 * not send (deletion, deadline and eviction set `terminating`) to a
 * memory-limited container is the kernel's OOM killer, even when Docker is
 * too slow to flag it (seen under a full test run).
 */
export async function exitedState(
  docker: Docker, c: ContainerRuntime, id: string, s: DockerState, terminating: boolean, oomEvents: ReadonlySet<string>,
): Promise<Parameters<ContainerRuntime['terminate']>[0]> {
  const sigkilled = s.ExitCode === 137 && !terminating;
  const oom = s.OOMKilled || oomEvents.has(id)
    || (sigkilled && (c.spec.resources?.limits?.memory !== undefined || await lateOom(docker, id, oomEvents)));
  const exitCode = oom && s.ExitCode === 0 ? 137 : s.ExitCode;
  const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  const message = await terminationMessage(docker, c, id, exitCode);
  return { exitCode, reason, ...(message ? { message } : {}), startedAt: seconds(s.StartedAt), finishedAt: seconds(s.FinishedAt), containerID: `docker://${id}` };
}

/** terminated.message: the termination-log file, else (FallbackToLogsOnError, on failure) the log's last 80 lines / 2 KiB. */
export async function terminationMessage(docker: Docker, c: ContainerRuntime, id: string, exitCode: number): Promise<string> {
  const written = (await readFile(c.logPath, 'utf8').catch(() => '')).slice(0, 4096);
  if (written || exitCode === 0 || c.spec.terminationMessagePolicy !== 'FallbackToLogsOnError') return written;
  const stream = await docker.logs(id, { tail: 80 }).catch(() => undefined);
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text.length > 2048 ? text.slice(-2048) : text;
}

export interface ConfigHost {
  readonly ns: string;
  readonly name: string;
  readonly uid: string;
  readonly volumes: ReadonlyMap<string, string>;
  readonly deps: { readonly api: Api; readonly clusterId: string; readonly allocatable: { cpu: number; memory: number } };
}

/** The Docker config of a container (throws ConfigError for CreateContainerConfigError), with its subPaths and termination log ready. */
export async function dockerConfig(host: ConfigHost, pod: KObject, c: ContainerRuntime, image: ImageInfo, logPath: string): Promise<Obj> {
  const subPaths = await prepareSubPaths(c.spec, host.volumes);
  await writeFile(logPath, '');
  await chmod(logPath, 0o666);
  return containerCreateBody({
    pod, container: c.spec, image, terminationLogPath: logPath,
    lookup: (kind, name) => host.deps.api.peek(findResource('', kind)!, host.ns, name),
    volumeHostPath: (v) => host.volumes.get(v.name)!,
    subPaths,
    nodeAllocatable: host.deps.allocatable,
    labels: {
      'bespin-test-cluster': host.deps.clusterId, 'io.kubernetes.pod.name': host.name, 'io.kubernetes.pod.namespace': host.ns,
      'io.kubernetes.pod.uid': host.uid, 'io.kubernetes.container.name': c.name,
    },
  });
}
