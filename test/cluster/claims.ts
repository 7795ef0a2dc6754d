/** PersistentVolumeClaims as a local-path provisioner binds them: each to a host directory. */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Api } from './api.js';
import { findResource } from './resources.js';
import type { Store } from './store.js';

const PVCS = findResource('', 'persistentvolumeclaims')!;

/** PVC host directories: given ones, or one per claim under the data dir. */
export class ClaimDirectories {
  readonly #dirs = new Map<string, string>();

  /** Provisions the directory of each claim the store gets, as it gets it. */
  constructor(readonly dataDir: string, store: Store) {
    store.subscribe((c) => {
      if (c.key === 'persistentvolumeclaims' && c.type === 'ADDED') this.provision(c.object.metadata.namespace!, c.object.metadata.name);
    });
  }

  set(ns: string, claim: string, dir: string): void {
    this.#dirs.set(`${ns}/${claim}`, dir);
  }

  get(ns: string, claim: string): string | undefined {
    return this.#dirs.get(`${ns}/${claim}`);
  }

  /** The directory a claim has, or will have once it is created. */
  pathOf(ns: string, claim: string): string {
    return this.get(ns, claim) ?? path.join(this.dataDir, 'pvc', ns, claim);
  }

  /** Like local-path provisioners: a new claim directory anyone may write. */
  provision(ns: string, claim: string): void {
    const dir = this.pathOf(ns, claim);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777);
    }
    this.set(ns, claim, dir);
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#dirs);
  }
}

/** The PVCs given at start, bound to their host directories. */
export function createClaims(api: Api, claims: ClaimDirectories, namespace: string, pvcs: Record<string, string>): void {
  for (const [name, dir] of Object.entries(pvcs)) {
    claims.set(namespace, name, path.resolve(dir));
    api.create(PVCS, namespace, {
      metadata: { name, annotations: { 'bespin-test/host-path': path.resolve(dir) } },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } } },
    });
  }
}
