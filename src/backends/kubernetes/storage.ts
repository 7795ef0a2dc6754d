import path from 'node:path';
import { ValidationError } from '../../errors.js';

export interface VolumeMount {
  readonly claim: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
}

/**
 * The PVCs the engine sees and where: from its own pod in-cluster, or from
 * `--volume CLAIM:MOUNTPATH` outside. Step pods mount the same claims at the
 * same paths, so every path means the same thing in the engine and in a step.
 */
export class VolumeMap {
  readonly #mounts: readonly VolumeMount[];

  constructor(mounts: readonly VolumeMount[]) {
    // Longest mount path first, so nested mounts resolve to the inner one.
    this.#mounts = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
  }

  static fromOptions(specs: readonly string[]): VolumeMap {
    return new VolumeMap(specs.map((spec) => {
      const [claim, mountPath, mode] = spec.split(':');
      if (!claim || !mountPath || !path.isAbsolute(mountPath)) {
        throw new ValidationError(`--volume '${spec}': expected CLAIM:ABSOLUTE_MOUNT_PATH[:ro]`);
      }
      return { claim, mountPath: path.resolve(mountPath), readOnly: mode === 'ro' };
    }));
  }

  get mounts(): readonly VolumeMount[] {
    return this.#mounts;
  }

  /** The mount that holds a path, if any. */
  find(p: string): VolumeMount | undefined {
    const abs = path.resolve(p);
    return this.#mounts.find((m) => abs === m.mountPath || abs.startsWith(m.mountPath + '/'));
  }

  byClaim(claim: string): VolumeMount | undefined {
    return this.#mounts.find((m) => m.claim === claim);
  }
}
