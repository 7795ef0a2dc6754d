import { isPlainObject } from '../model/types.js';
import { resolveUri } from './uri.js';

/**
 * Makes every `location`/`path` of File and Directory objects in a value
 * absolute, relative to `base` (the document or job file that wrote them).
 * Returns the same value when nothing changes, to avoid copying job objects.
 */
export function resolveLocations(value: unknown, base: string): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const r = resolveLocations(item, base);
      if (r !== item) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  if (!isPlainObject(value)) return value;
  if (value.class === 'File' || value.class === 'Directory') {
    const out: Record<string, unknown> = { ...value };
    if (typeof out.location === 'string') out.location = resolveUri(out.location, base);
    else if (typeof out.path === 'string') out.location = resolveUri(out.path, base);
    if (out.location !== undefined) delete out.path;
    if (Array.isArray(out.secondaryFiles)) out.secondaryFiles = resolveLocations(out.secondaryFiles, base);
    if (Array.isArray(out.listing)) out.listing = resolveLocations(out.listing, base);
    return out;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveLocations(v, base);
    if (r !== v) changed = true;
    out[k] = r;
  }
  return changed ? out : value;
}
