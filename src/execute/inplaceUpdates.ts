import { PermanentFailure } from '../errors.js';
import { forEachFile } from '../model/fileWalk.js';
import type { StagingEntry } from '../job/staging.js';
import { uriToPath } from '../files/uri.js';

/** The last step to update one host file in place, and the checksum its output gave the file. */
interface Update {
  readonly step: string;
  running: boolean;
  checksum?: string;
}

/**
 * The files steps update in place (InplaceUpdateRequirement with writable
 * InitialWorkDir entries), for one run. The spec makes it an error for a file
 * one step may write to be written by another step running independently:
 * a later step must take the file from the updating step's output, not from
 * a common input. As cwltool's generations, told apart here by the checksum
 * the updating step's output gave the file: a stale copy of the File value
 * (the workflow input both steps were given) does not carry it.
 */
export class InplaceUpdates {
  readonly #updates = new Map<string, Update>();

  /** Before `step` runs (its job's staging built): claims the files it updates in place, or refuses if another step has or holds them. */
  claim(step: string, staging: readonly StagingEntry[], inputs: Readonly<Record<string, unknown>>): void {
    const sources = staging.flatMap((e) => (e.kind === 'link' && e.writable ? [e.source] : []));
    if (sources.length === 0) return;
    // Files only: a Directory has no checksum to tell its versions apart.
    const checksums = new Map<string, string | undefined>();
    forEachFile(inputs, (f) => {
      if (f.class === 'File' && typeof f.location === 'string' && f.location.startsWith('file:')) checksums.set(uriToPath(f.location), f.checksum);
    });
    for (const source of sources.filter((s) => checksums.has(s))) {
      const last = this.#updates.get(source);
      if (last !== undefined && last.step !== step) {
        if (last.running) {
          throw new PermanentFailure(`${step}: wants to update ${source} in place while step ${last.step} is updating it (InplaceUpdateRequirement: one step at a time)`);
        }
        const checksum = checksums.get(source);
        if (checksum === undefined || checksum !== last.checksum) {
          throw new PermanentFailure(`${step}: wants to update ${source} in place, but step ${last.step} already updated it; take the file from ${last.step}'s output, not from a common input (InplaceUpdateRequirement)`);
        }
      }
      this.#updates.set(source, { step: step, running: true });
    }
  }

  /** After `step` finished: the files it updated are free again, current as its outputs give them. */
  release(step: string, outputs: Readonly<Record<string, unknown>>): void {
    const mine = [...this.#updates.entries()].filter(([, u]) => u.step === step && u.running);
    if (mine.length === 0) return;
    forEachFile(outputs, (f) => {
      if (f.class !== 'File' || typeof f.location !== 'string' || !f.location.startsWith('file:')) return;
      const update = this.#updates.get(uriToPath(f.location));
      if (update?.step === step && f.checksum !== undefined) update.checksum = f.checksum;
    });
    for (const [, update] of mine) update.running = false;
  }
}
