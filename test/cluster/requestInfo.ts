/** Request attributes as k8s.io/apiserver's RequestInfoFactory derives them (verb, group, resource, namespace, name). */

export interface RequestInfo {
  readonly isResourceRequest: boolean;
  readonly path: string;
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly name?: string;
}

const VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export const isTrue = (v: string | null): boolean => v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);

/** The name a fieldSelector narrows a list/watch to (`metadata.name=x`), as the real factory uses for authorization. */
function selectedName(fieldSelector: string | null): string | undefined {
  for (const part of (fieldSelector ?? '').split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

export function requestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const segments = path.split('/').filter(Boolean);
  const nonResource: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiGroup: '', apiVersion: '' };
  let rest: string[];
  let apiGroup = '';
  let apiVersion: string;
  if (segments[0] === 'api' && segments.length >= 2) {
    apiVersion = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    apiGroup = segments[1]!;
    apiVersion = segments[2]!;
    rest = segments.slice(3);
  } else {
    return nonResource;
  }
  if (rest.length === 0) return nonResource;
  let verb = VERBS[method] ?? method.toLowerCase();
  if (rest[0] === 'watch') { verb = 'watch'; rest = rest.slice(1); }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      namespace = rest[1];
      if (rest.length > 2 && !['status', 'finalize'].includes(rest[2]!)) rest = rest.slice(2);
    }
  }
  const [resource, nameFromPath, subresource] = rest;
  let name: string | undefined = nameFromPath;
  if (verb === 'get' && name === undefined) verb = isTrue(url.searchParams.get('watch')) ? 'watch' : 'list';
  if (verb === 'delete' && name === undefined) verb = 'deletecollection';
  if ((verb === 'list' || verb === 'watch') && name === undefined) name = selectedName(url.searchParams.get('fieldSelector'));
  return { isResourceRequest: true, path, verb, apiGroup, apiVersion, namespace, resource, subresource, name };
}
