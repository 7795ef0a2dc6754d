/**
 * The API server's own count of requests (`apiserver_request_total` on
 * `/metrics`), read with an admin's credentials. It counts every client (the
 * scheduler's bindings, the kubelet's status updates, the engine), so a
 * difference taken around one engine run is the cluster-wide cost of that
 * run; the recorder in front of the server (apiRecorder.ts) gives the
 * engine's own share.
 */
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** Request counts keyed by `VERB resource[/subresource]`, e.g. `POST pods`, `GET pods/log`. */
export type RequestTotals = Record<string, number>;

export async function apiserverRequestTotals(admin: KubeConfig): Promise<RequestTotals> {
  const server = admin.getCurrentCluster()?.server;
  if (!server) throw new Error('admin kubeconfig: no current cluster');
  const options: https.RequestOptions = {};
  await admin.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const request = https.get(new URL('/metrics', server), options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`GET /metrics: HTTP ${response.statusCode}`))));
    });
    request.on('error', reject);
  });
  return parseRequestTotals(text);
}

/** Sums `apiserver_request_total` over response codes, for resources (not /healthz and the like). */
export function parseRequestTotals(text: string): RequestTotals {
  const totals: RequestTotals = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!labels.resource) continue;
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
    totals[key] = (totals[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return totals;
}

/** What was counted between two readings, leaving out what did not change. */
export function requestsBetween(before: RequestTotals, after: RequestTotals): RequestTotals {
  const delta: RequestTotals = {};
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (d > 0) delta[key] = d;
  }
  return delta;
}
