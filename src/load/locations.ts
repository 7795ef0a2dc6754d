import { mapFiles } from '../model/fileWalk.js';
import type { FileOrDirectory } from '../model/types.js';
import { resolveUri } from '../files/uri.js';

/**
 * Makes every `location`/`path` of File and Directory objects in a value
 * absolute, relative to `base` (the document or job file that wrote them).
 * Returns the same value when it holds no File or Directory, to avoid
 * copying job objects.
 */
export function resolveLocations(value: unknown, base: string): unknown {
  return mapFiles(value, (f) => {
    const out: Record<string, unknown> = { ...f };
    if (typeof out.location === 'string') out.location = resolveUri(out.location, base);
    else if (typeof out.path === 'string') out.location = resolveUri(out.path, base);
    if (out.location !== undefined) delete out.path;
    return out as FileOrDirectory;
  });
}
