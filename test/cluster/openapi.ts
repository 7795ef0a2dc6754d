/**
 * Just enough OpenAPI v3 for kubectl: it reads /openapi/v3 to learn that the
 * server validates fields itself (the `fieldValidation` parameter), and then
 * sends objects without validating them client-side.
 */
import { RESOURCES, apiVersionOf } from './resources.js';

const gvPath = (group: string): string => (group ? `apis/${group}/v1` : 'api/v1');

export function openapiRoot(): unknown {
  const paths: Record<string, unknown> = {};
  for (const group of ['', 'batch']) paths[gvPath(group)] = { serverRelativeURL: `/openapi/v3/${gvPath(group)}?hash=0` };
  return { paths };
}

export function openapiGroupVersion(path: string): unknown | undefined {
  const defs = RESOURCES.filter((r) => gvPath(r.group) === path.replace(/^\/openapi\/v3\//, '').replace(/\/+$/, ''));
  if (!defs.length) return undefined;
  const param = { name: 'fieldValidation', in: 'query', description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.', schema: { type: 'string', uniqueItems: true } };
  const paths: Record<string, unknown> = {};
  for (const r of defs) {
    const base = `/${gvPath(r.group)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    const gvk = { group: r.group, version: 'v1', kind: r.kind };
    const op = (action: string, id: string) => ({ operationId: `${id}${r.kind}`, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: [param], responses: {} });
    paths[base] = { post: op('post', 'create'), get: { operationId: `list${r.kind}`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk, responses: {} } };
    paths[`${base}/{name}`] = { put: op('put', 'replace'), patch: op('patch', 'patch'), get: { operationId: `read${r.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: {} } };
  }
  const title = defs[0] ? apiVersionOf(defs[0]) : '';
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.0', description: title }, paths, components: { schemas: {} } };
}
