import path from 'node:path';
import type { DirectoryValue, FileOrDirectory, FileValue } from '../model/types.js';
import { mapFiles } from '../model/fileWalk.js';
import { uriToPath } from '../files/uri.js';
import type { StagingEntry } from '../job/staging.js';

/**
 * Plans where every File and Directory of a job object is staged, as the
 * process will see it, and records what must be staged there. Each top-level file gets its own
 * `stgN` directory (its secondaryFiles beside it), so equal basenames never
 * collide; the same location is staged once.
 */
export class InputStaging {
  readonly entries: StagingEntry[] = [];
  readonly #byLocation = new Map<string, string>();
  #counter = 0;

  constructor(readonly stageRoot: string) {}

  /** Returns a copy of the value with `path` (and dirname) set to staged paths. */
  mapValue<T>(value: T): T {
    // Nested Files and Directories are placed by their parent, beside it or inside it.
    return mapFiles(value, (f) => this.#mapTopLevel(f), { descend: () => false });
  }

  #mapTopLevel(value: FileOrDirectory): FileOrDirectory {
    const dir = path.posix.join(this.stageRoot, `stg${this.#counter++}`);
    return this.#mapInto(value, dir);
  }

  #mapInto(value: FileOrDirectory, dir: string): FileOrDirectory {
    const basename = value.basename ?? path.posix.basename(uriToPath(value.location));
    const target = path.posix.join(dir, basename);
    const mapped: FileOrDirectory = { ...value, path: target } as FileOrDirectory;
    if (value.class === 'File') {
      (mapped as FileValue).dirname = dir;
      this.#stage(value, target);
      if (value.secondaryFiles) {
        (mapped as FileValue).secondaryFiles = value.secondaryFiles.map((s) => this.#mapInto(s, dir));
      }
    } else {
      this.#stage(value, target);
      if (value.listing) {
        const staged = Boolean(value.location);
        (mapped as DirectoryValue).listing = value.listing.map((e) => (staged ? this.#mapListed(e, target) : this.#mapInto(e, target)));
      }
    }
    return mapped;
  }

  /** Entries inside an already-staged directory: only their path changes. */
  #mapListed(value: FileOrDirectory, dir: string): FileOrDirectory {
    const basename = value.basename ?? path.posix.basename(uriToPath(value.location));
    const target = path.posix.join(dir, basename);
    const mapped = { ...value, path: target } as FileOrDirectory;
    if (value.class === 'File') (mapped as FileValue).dirname = dir;
    if (value.class === 'Directory' && value.listing) {
      (mapped as DirectoryValue).listing = value.listing.map((e) => this.#mapListed(e, target));
    }
    return mapped;
  }

  #stage(value: FileOrDirectory, target: string): void {
    if (!value.location) {
      if (value.class === 'File') this.entries.push({ kind: 'write', contents: String(value.contents ?? ''), target, writable: false });
      else this.entries.push({ kind: 'mkdir', target });
      return;
    }
    const key = `${value.location}\u0000${target}`;
    if (this.#byLocation.has(key)) return;
    this.#byLocation.set(key, target);
    this.entries.push({ kind: 'link', source: uriToPath(value.location), target, writable: false });
  }
}
