/**
 * A real HTTP(S) server on loopback for remote-input tests: serves fixed
 * bodies, or lets a route misbehave (stall, stream without end), and counts
 * the requests each path receives.
 */
import { execFileSync } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type Route = string | ((res: ServerResponse, req: IncomingMessage) => void);

export interface FileServer {
  /** `http://127.0.0.1:PORT` (or https), without a trailing slash. */
  readonly url: string;
  /** Requests received for a path, e.g. `/a.txt`. */
  requests(path: string): number;
  close(): Promise<void>;
}

export interface Tls {
  readonly key: string;
  readonly cert: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this test only. */
export async function selfSignedCertificate(): Promise<Tls> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

export async function serveFiles(routes: Readonly<Record<string, Route>>, tls?: Tls): Promise<FileServer> {
  const counts = new Map<string, number>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    const route = routes[p];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } else if (typeof route === 'string') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(route) }).end(route);
    } else {
      route(res, req);
    }
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: (p) => counts.get(p) ?? 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Sends headers, then nothing: the client's time limit must end it. */
export const stall: Route = (res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.write('partial');
};

/** A body without a Content-Length that never ends: only a size limit stops it. */
export const endless: Route = (res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const more = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  more();
};
