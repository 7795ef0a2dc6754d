/**
 * A recording reverse proxy in front of a Kubernetes API server, on loopback.
 * The engine talks to it instead of the server (its kubeconfig points here,
 * with the engine's own token), so a test can count exactly what one engine
 * asked for — by verb and resource, watches opened, pods created — on any
 * cluster, the stand-in or a real one, without reading the server's logs.
 * Requests and responses are streamed through untouched.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeKubeconfig } from '../cluster/kubeconfig.js';
import { requestInfo } from '../cluster/requestInfo.js';

export interface ApiTarget {
  /** The API server, `https://host:port` or `http://host:port`. */
  readonly url: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly ca?: string;
}

export interface RequestCounts {
  /** `verb resource[/subresource]` → requests, e.g. `create pods`, `watch pods`, `get pods/log`. */
  readonly requests: Readonly<Record<string, number>>;
  readonly watchesOpened: number;
  /** Pod creations the server accepted (201). */
  readonly podsCreated: number;
  readonly total: number;
}

export interface ApiRecorder {
  readonly url: string;
  counts(): RequestCounts;
  /** A kubeconfig that sends `token` through this recorder. */
  writeKubeconfig(file: string, token: string, namespace: string): Promise<void>;
  close(): Promise<void>;
}

export async function startApiRecorder(target: ApiTarget): Promise<ApiRecorder> {
  const upstream = new URL(target.url);
  const secure = upstream.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true, ...(target.ca ? { ca: target.ca } : {}) }) : new http.Agent({ keepAlive: true });
  const requests = new Map<string, number>();
  let watchesOpened = 0;
  let podsCreated = 0;
  let total = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://recorder');
    const info = requestInfo(req.method ?? 'GET', url);
    const key = info.isResourceRequest ? `${info.verb} ${info.resource ?? ''}${info.subresource ? `/${info.subresource}` : ''}` : `${info.verb} ${info.path}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    total++;
    if (info.verb === 'watch') watchesOpened++;
    const headers = { ...req.headers, host: upstream.host };
    const options = { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent };
    const forward = (secure ? https.request : http.request)(options, (up) => {
      if (key === 'create pods' && up.statusCode === 201) podsCreated++;
      res.writeHead(up.statusCode ?? 502, up.headers);
      // A watch's headers go out at once, as the server sent them: clients wait for them before anything happens.
      res.flushHeaders();
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`recorder: upstream failed: ${error.message}`);
    });
    // A client that goes away (a watch closed, an engine killed) closes its upstream request too.
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts: () => ({ requests: Object.fromEntries(requests), watchesOpened, podsCreated, total }),
    writeKubeconfig: (file, token, namespace) => writeKubeconfig(file, { server: url, user: 'engine', token, namespace, cluster: 'recorded' }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
