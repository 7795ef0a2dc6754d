/** The admin-only `/_test/...` endpoints: counters and fault injection over HTTP (for out-of-process tests). */
import type { Counters } from './counters.js';
import type { Faults, RequestFault } from './faults.js';
import { ApiError } from './status.js';

type Body = Record<string, unknown> | undefined;

export function testAdmin(faults: Faults, counters: Counters, info: () => unknown, defaultNamespace: string) {
  return async (method: string, url: URL, raw: unknown): Promise<unknown> => {
    const body = (raw ?? {}) as Body & object;
    const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
    switch (route) {
      case 'GET /_test/counters': return counters.snapshot();
      case 'POST /_test/counters/reset': counters.reset(); return counters.snapshot();
      case 'GET /_test/info': return info();
      case 'POST /_test/faults/requests': faults.failNext(body as RequestFault); return { pending: faults.pendingRequestFaults };
      case 'POST /_test/faults/drop-watches': return { dropped: faults.dropWatches() };
      case 'POST /_test/faults/expire-history': faults.expireWatchHistory(); return { expired: true };
      case 'POST /_test/faults/evict':
        await faults.evictPod(String(body.namespace ?? defaultNamespace), String(body.name ?? ''));
        return { evicted: body.name };
      case 'POST /_test/faults/image-pull': faults.failImagePull(String(body.image ?? '')); return { failing: body.image };
      case 'DELETE /_test/faults/image-pull': faults.clearImagePullFailures(); return {};
      case 'POST /_test/faults/unschedulable': faults.setUnschedulable(body.value !== false); return { unschedulable: faults.unschedulable };
      case 'POST /_test/faults/reset': faults.reset(); return {};
      default: throw ApiError.pathNotFound();
    }
  };
}
