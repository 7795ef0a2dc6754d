import { pathToFileURL, fileURLToPath } from 'node:url';
import path from 'node:path';

/** Turns a command-line path or URI into an absolute URI. */
export function toUri(pathOrUri: string, cwd: string = process.cwd()): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(pathOrUri)) return pathOrUri;
  const hash = pathOrUri.indexOf('#');
  const filePart = hash >= 0 ? pathOrUri.slice(0, hash) : pathOrUri;
  const fragment = hash >= 0 ? pathOrUri.slice(hash) : '';
  return pathToFileURL(path.resolve(cwd, filePart)).href + fragment;
}

/** Resolves a reference against a base URI, the way schema-salad does for `location`, `run`, `$import`. */
export function resolveUri(reference: string, base: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(reference) && !/^[a-zA-Z]:\\/.test(reference)) return reference;
  if (reference.startsWith('/')) {
    return base.startsWith('file:') ? pathToFileURL(reference).href : new URL(reference, base).href;
  }
  return new URL(reference, base).href;
}

export function withoutFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash >= 0 ? uri.slice(0, hash) : uri;
}

export function fragmentOf(uri: string): string {
  const hash = uri.indexOf('#');
  return hash >= 0 ? uri.slice(hash + 1) : '';
}

/** `file:///a/b.txt` → `/a/b.txt`; other schemes are returned unchanged. */
export function uriToPath(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : uri;
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/**
 * The short name of an identifier: `file:///x/wf.cwl#main/step/in` → `in`.
 * Scoped names are never needed after normalization because every id is
 * looked up within its own process or step.
 */
export function shortName(id: string): string {
  const frag = id.includes('#') ? fragmentOf(id) : id;
  const slash = frag.lastIndexOf('/');
  return slash >= 0 ? frag.slice(slash + 1) : frag;
}

/** `#main/step1/out` relative to workflow `main` → `step1/out`; `#main/inp` → `inp`. */
export function sourceReference(ref: string, processFragment: string): string {
  let frag = ref.includes('#') ? fragmentOf(ref) : ref;
  if (processFragment && frag.startsWith(processFragment + '/')) frag = frag.slice(processFragment.length + 1);
  const parts = frag.split('/');
  return parts.length > 2 ? parts.slice(-2).join('/') : frag;
}
