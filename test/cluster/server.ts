/** HTTP front door: authentication, request info, fault injection, RBAC, then routing to the REST handlers. */
import http from 'node:http';
import https from 'node:https';
import type { Api, DeleteOptions, Result } from './api.js';
import { type Authenticator, type UserInfo, isAdmin } from './auth.js';
import type { Counters } from './counters.js';
import type { Docker } from './docker.js';
import type { Faults } from './faults.js';
import { serveLogs } from './logs.js';
import { openapiGroupVersion, openapiRoot } from './openapi.js';
import { Authorizer } from './rbac.js';
import { type RequestInfo, isTrue, requestInfo } from './requestInfo.js';
import { KUBERNETES_VERSION, apiGroup, apiGroupList, apiResourceList, apiVersions, findResource } from './resources.js';
import { ApiError, type ResourceName } from './status.js';
import { toTable, wantsTable } from './table.js';
import { type WatchHub, serveWatch } from './watch.js';

export interface ServerContext {
  readonly api: Api;
  readonly docker: Docker;
  readonly authn: Authenticator;
  readonly authz: Authorizer;
  readonly faults: Faults;
  readonly counters: Counters;
  readonly watches: WatchHub;
  readonly engineUsers: ReadonlySet<string>;
  readonly address: () => string;
  readonly admin: (method: string, url: URL, body: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
}

const MAX_BODY = 3 * 1024 * 1024;

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728', {});
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function jsonBody(req: http.IncomingMessage, optional = false): Promise<unknown> {
  const text = await readBody(req);
  if (!text.trim()) {
    if (optional) return undefined;
    throw ApiError.badRequest('the server rejected our request due to an error in our request: empty body');
  }
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  if (type.includes('protobuf')) throw ApiError.unsupportedMediaType(type);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ApiError.badRequest(`the server rejected our request due to an error in our request: couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

function send(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

function counterKey(info: RequestInfo): string {
  if (!info.isResourceRequest) return `${info.verb} ${info.path}`;
  return `${info.verb} ${info.resource}${info.subresource ? `/${info.subresource}` : ''}`;
}

function deleteOptions(url: URL, body: unknown): DeleteOptions {
  const opts: DeleteOptions = { ...((body && typeof body === 'object' ? body : {}) as DeleteOptions) };
  const q = url.searchParams;
  if (q.get('gracePeriodSeconds') !== null) opts.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
  if (q.get('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
  if (q.get('orphanDependents') !== null) opts.orphanDependents = isTrue(q.get('orphanDependents'));
  if (q.get('dryRun')) opts.dryRun = true;
  return opts;
}

function nonResource(ctx: ServerContext, info: RequestInfo): unknown {
  const p = info.path.replace(/\/+$/, '') || '/';
  if (info.verb !== 'get' && info.verb !== 'head') throw ApiError.methodNotAllowed();
  if (p === '/api') return apiVersions(ctx.address());
  if (p === '/api/v1') return apiResourceList('');
  if (p === '/apis') return apiGroupList();
  if (p === '/version') return KUBERNETES_VERSION;
  if (p === '/openapi/v3') return openapiRoot();
  if (p.startsWith('/openapi/v3/')) {
    const doc = openapiGroupVersion(p);
    if (doc) return doc;
  }
  const g = /^\/apis\/([^/]+)(?:\/(v1))?$/.exec(p);
  if (g) {
    const doc = g[2] ? apiResourceList(g[1]!) : apiGroup(g[1]!);
    if (doc) return doc;
  }
  throw new ApiError(404, 'NotFound', '404 page not found');
}

async function resource(ctx: ServerContext, info: RequestInfo, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const def = info.apiVersion === 'v1' ? findResource(info.apiGroup, info.resource!) : undefined;
  if (!def) throw ApiError.pathNotFound();
  const ns = def.namespaced ? info.namespace : undefined;
  const name = info.name;
  if (!def.namespaced && info.namespace !== undefined && def.plural !== 'namespaces') throw ApiError.pathNotFound();
  const verb = info.verb;
  const dryRun = !!url.searchParams.get('dryRun');
  const q = url.searchParams;
  if (info.subresource) {
    if (info.subresource === 'log' && def.plural === 'pods' && verb === 'get') return serveLogs(ctx.api, ctx.docker, ns!, name!, url, res);
    if (info.subresource === 'status' && def.hasStatus) {
      if (verb === 'get') return send(res, 200, ctx.api.get(def, ns, name!));
      if (verb === 'update') return send(res, 200, ctx.api.update(def, ns, name!, await jsonBody(req), 'status', dryRun));
      if (verb === 'patch') return send(res, 200, ctx.api.patch(def, ns, name!, req.headers['content-type'] ?? '', await jsonBody(req), 'status', dryRun));
      throw ApiError.methodNotAllowed();
    }
    throw ApiError.pathNotFound();
  }
  if (def.namespaced && !ns && verb !== 'list' && verb !== 'watch') throw ApiError.pathNotFound();
  if (!def.verbs.includes(verb)) throw ApiError.methodNotAllowed();
  const list = { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined, limit: q.get('limit') ? Number(q.get('limit')) : undefined, continue: q.get('continue') ?? undefined };
  const result = (r: Result): void => send(res, r.code, r.body, r.warnings?.length ? { Warning: r.warnings.join(', ') } : {});
  const table = wantsTable(req.headers.accept);
  switch (verb) {
    case 'get': {
      const obj = ctx.api.get(def, ns, name!);
      return send(res, 200, table ? toTable(def, [obj], obj.metadata.resourceVersion) : obj);
    }
    case 'list': {
      // A list narrowed by metadata.name still lists (the name only matters for authorization).
      const l = ctx.api.list(def, ns, list);
      return send(res, 200, table ? { ...(toTable(def, l.items, l.metadata.resourceVersion) as object), metadata: l.metadata } : l);
    }
    case 'watch': return serveWatch(ctx.watches, def, ns, url, req, res);
    case 'create': {
      if (name) throw ApiError.methodNotAllowed();
      return send(res, 201, ctx.api.create(def, ns, await jsonBody(req), dryRun));
    }
    case 'update': return send(res, 200, ctx.api.update(def, ns, name!, await jsonBody(req), undefined, dryRun));
    case 'patch': return send(res, 200, ctx.api.patch(def, ns, name!, req.headers['content-type'] ?? '', await jsonBody(req), undefined, dryRun));
    case 'delete': return result(ctx.api.delete(def, ns, name!, deleteOptions(url, await jsonBody(req, true))));
    case 'deletecollection': return result(ctx.api.deleteCollection(def, ns, list, deleteOptions(url, await jsonBody(req, true))));
    default: throw ApiError.methodNotAllowed();
  }
}

async function handle(ctx: ServerContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let user: UserInfo | undefined;
  let info: RequestInfo | undefined;
  try {
    if (/^\/(healthz|livez|readyz)\/?$/.test(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    user = ctx.authn.authenticate(req.headers.authorization);
    if (!user) throw ApiError.unauthorized();
    if (url.pathname.startsWith('/_test/')) {
      if (!isAdmin(user)) throw ApiError.forbidden(undefined, undefined, Authorizer.reason(user, { isResourceRequest: false, path: url.pathname, verb: req.method!.toLowerCase(), apiGroup: '', apiVersion: '' }));
      const body = ['POST', 'PUT'].includes(req.method!) ? await jsonBody(req, true) : undefined;
      return send(res, 200, await ctx.admin(req.method!, url, body));
    }
    info = requestInfo(req.method ?? 'GET', url);
    ctx.counters.request(counterKey(info));
    const resourceName = info.isResourceRequest ? `${info.resource}${info.subresource ? `/${info.subresource}` : ''}` : undefined;
    const fault = ctx.faults.check({ verb: info.verb, resource: resourceName, user: user.name, isEngine: ctx.engineUsers.has(user.name), isAdmin: isAdmin(user) });
    if (fault) throw fault;
    if (!ctx.authz.allows(user, info)) {
      const def = info.isResourceRequest ? findResource(info.apiGroup, info.resource ?? '') : undefined;
      const r: ResourceName | undefined = info.isResourceRequest ? { plural: info.resource ?? '', group: info.apiGroup, kind: def?.kind ?? '' } : undefined;
      throw ApiError.forbidden(r, info.name, Authorizer.reason(user, info));
    }
    if (!info.isResourceRequest) return send(res, 200, nonResource(ctx, info));
    await resource(ctx, info, req, res, url);
  } catch (error) {
    if (res.headersSent) { res.destroy(); return; }
    const e = error instanceof ApiError ? error : ApiError.internal((error as Error)?.message ?? String(error));
    if (!(error instanceof ApiError)) console.error('test cluster: request failed', error);
    if (e.code === 404 && e.message === '404 page not found') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    } else {
      send(res, e.code, e.toStatus(), e.headers);
    }
  } finally {
    ctx.counters.response(res.statusCode);
    ctx.log?.(`${req.method} ${req.url} ${res.statusCode} ${user?.name ?? '-'}${info ? ` (${info.verb})` : ''}`);
  }
}

export function createServer(ctx: ServerContext, tls?: { key: string; cert: string }): http.Server {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => { void handle(ctx, req, res); };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  return server;
}
