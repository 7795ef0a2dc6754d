/** Watch responses: a chunked stream of JSON events, with history replay, 410 Expired, bookmarks and timeouts. */
import type http from 'node:http';
import type { Counters } from './counters.js';
import { isTrue } from './requestInfo.js';
import { type ResourceDef, apiVersionOf, storeKey } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError } from './status.js';
import { toTable, wantsTable } from './table.js';
import type { KObject, Store } from './store.js';

export interface WatchHub {
  readonly store: Store;
  readonly counters: Counters;
  readonly bookmarkIntervalMs: number;
  /** Open watches, each with a function that ends it cleanly. */
  readonly open: Set<() => void>;
}

export function serveWatch(hub: WatchHub, def: ResourceDef, ns: string | undefined, url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const q = url.searchParams;
  const labels = parseLabelSelector(q.get('labelSelector'));
  const fields = parseFieldSelector(q.get('fieldSelector'), def.plural);
  const rvParam = q.get('resourceVersion');
  if (rvParam && !/^[0-9]+$/.test(rvParam)) throw ApiError.badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: strconv.ParseUint: parsing ${JSON.stringify(rvParam)}: invalid syntax`);
  const since = rvParam ? Number(rvParam) : undefined;
  const bookmarks = isTrue(q.get('allowWatchBookmarks'));
  const timeoutSeconds = q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined;
  const kindOf = { kind: def.kind, apiVersion: apiVersionOf(def) };
  const table = wantsTable(req.headers.accept);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let closed = false;
  const write = (type: string, object: unknown): void => {
    if (!closed) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const result = hub.store.watch({
    key: storeKey(def),
    namespace: def.namespaced ? ns : undefined,
    matches: (o: KObject) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o),
    send: (type, o) => write(type, table ? toTable(def, [o], o.metadata.resourceVersion) : o),
  }, since);
  if (result.expired) {
    write('ERROR', new ApiError(410, 'Expired', `too old resource version: ${since} (${result.oldest})`).toStatus());
    res.end();
    return;
  }
  if (isTrue(q.get('sendInitialEvents')) && bookmarks) {
    write('BOOKMARK', { ...kindOf, metadata: { resourceVersion: String(hub.store.rv), annotations: { 'k8s.io/initial-events-end': 'true' } } });
  }
  hub.counters.watchOpened();
  const bookmarkTimer = bookmarks ? setInterval(() => write('BOOKMARK', { ...kindOf, metadata: { resourceVersion: String(hub.store.rv) } }), hub.bookmarkIntervalMs) : undefined;
  const timeout = timeoutSeconds !== undefined && timeoutSeconds > 0 ? setTimeout(() => close(), timeoutSeconds * 1000) : undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    result.stop();
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (timeout) clearTimeout(timeout);
    hub.counters.watchClosed();
    hub.open.delete(close);
    res.end();
  };
  hub.open.add(close);
  req.on('close', close);
  res.on('close', close);
}
