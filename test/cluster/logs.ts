/** GET pods/{name}/log: the kubelet's checks and messages, the log itself from Docker. */
import type http from 'node:http';
import type { Api } from './api.js';
import type { Docker } from './docker.js';
import { isTrue } from './requestInfo.js';
import { findResource } from './resources.js';
import { ApiError } from './status.js';
import type { Obj } from './store.js';

const PODS = findResource('', 'pods')!;

/** The Docker container whose log is wanted, or the kubelet's 400 explanation. */
function containerId(pod: Obj, container: string, previous: boolean): string {
  const name = pod.metadata.name;
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])] as Obj[];
  const cs = statuses.find((s) => s.name === container);
  const q = (s: string): string => JSON.stringify(s);
  if (!cs) throw ApiError.badRequest(`container ${q(container)} in pod ${q(name)} is not available`);
  const strip = (id: string): string => id.replace(/^[a-z]+:\/\//, '');
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) {
    if (!last?.containerID) throw ApiError.badRequest(`previous terminated container ${q(container)} in pod ${q(name)} not found`);
    return strip(last.containerID);
  }
  if (running) return strip(cs.containerID);
  if (terminated) {
    if (terminated.containerID) return strip(terminated.containerID);
    if (last?.containerID) return strip(last.containerID);
    throw ApiError.badRequest(`container ${q(container)} in pod ${q(name)} is terminated`);
  }
  if (last) {
    if (!last.containerID) throw ApiError.badRequest(`container ${q(container)} in pod ${q(name)} is terminated`);
    return strip(last.containerID);
  }
  if (waiting) {
    const why = waiting.reason === 'ErrImagePull' ? "image can't be pulled" : waiting.reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : waiting.reason;
    throw ApiError.badRequest(`container ${q(container)} in pod ${q(name)} is waiting to start: ${why}`);
  }
  throw ApiError.badRequest(`container ${q(container)} in pod ${q(name)} is waiting to start - no logs yet`);
}

export async function serveLogs(api: Api, docker: Docker, ns: string, name: string, url: URL, res: http.ServerResponse): Promise<void> {
  const pod = api.get(PODS, ns, name);
  const q = url.searchParams;
  const names = ((pod.spec.containers ?? []) as Obj[]).map((c) => c.name as string);
  const inits = ((pod.spec.initContainers ?? []) as Obj[]).map((c) => c.name as string);
  let container = q.get('container') ?? '';
  if (!container) {
    if (names.length !== 1) {
      throw ApiError.badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
    }
    container = names[0]!;
  } else if (!names.includes(container) && !inits.includes(container)) {
    throw ApiError.badRequest(`container ${container} is not valid for pod ${name}`);
  }
  for (const p of ['tailLines', 'limitBytes', 'sinceSeconds']) {
    const v = q.get(p);
    if (v !== null && !(/^-?[0-9]+$/.test(v) && (p === 'tailLines' ? Number(v) >= 0 : Number(v) >= 1))) {
      throw ApiError.invalid(PODS, name, [{ type: 'Invalid', field: p, value: Number(v), detail: p === 'tailLines' ? 'must be greater than or equal to 0' : 'must be greater than 0' }]);
    }
  }
  if (!pod.spec.nodeName) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end();
    return;
  }
  const id = containerId(pod, container, isTrue(q.get('previous')));
  let since: number | undefined;
  if (q.get('sinceTime')) {
    const t = Date.parse(q.get('sinceTime')!);
    if (Number.isNaN(t)) throw ApiError.badRequest(`parsing time ${JSON.stringify(q.get('sinceTime'))} as "2006-01-02T15:04:05Z07:00": cannot parse`);
    since = t / 1000;
  } else if (q.get('sinceSeconds')) {
    since = Date.now() / 1000 - Number(q.get('sinceSeconds'));
  }
  const tail = q.get('tailLines') !== null ? Number(q.get('tailLines')) : undefined;
  let stream;
  try {
    stream = await docker.logs(id, { follow: isTrue(q.get('follow')), timestamps: isTrue(q.get('timestamps')), since, tail });
  } catch {
    throw ApiError.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is not available`);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let remaining = q.get('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
  stream.on('data', (chunk: Buffer) => {
    if (remaining <= 0) return;
    const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= part.length;
    res.write(part);
    if (remaining <= 0) { stream.destroy(); res.end(); }
  });
  stream.on('end', () => res.end());
  stream.on('error', () => res.end());
  res.on('close', () => stream.destroy());
}
