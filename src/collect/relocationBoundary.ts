import { lstatSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { PermanentFailure } from '../errors.js';
import type { FileBoundary } from './fileBoundary.js';
import { realPathNow } from './fileBoundary.js';

/**
 * What relocation may take into --outdir: files under the run's job output
 * directories (and their staging directories) and the run's inputs, by real
 * path. Each step's outputs were checked when the step ended, but a later
 * step (InplaceUpdateRequirement) may have replaced a file in them with a
 * link to a host file since; so what is moved or copied is walked again,
 * with lstat, just before it is.
 */
export class RelocationBoundary {
  constructor(readonly realOutdirs: ReadonlySet<string>, readonly given: FileBoundary) {}

  /** Whether a real path lies in a job output directory the engine made (by its ancestors: a 10,000-way scatter has 10,000). */
  isScratch(real: string): boolean {
    return this.#underOutdir(real, false);
  }

  #underOutdir(real: string, orStage: boolean): boolean {
    for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
      if (this.realOutdirs.has(dir)) return true;
      if (orStage && dir.endsWith('.stage') && this.realOutdirs.has(dir.slice(0, -'.stage'.length))) return true;
      if (dir === path.dirname(dir)) return false;
    }
  }

  allows(real: string): boolean {
    return this.#underOutdir(real, true) || this.given.holdsInput(real);
  }

  /**
   * Throws (naming `where`) when `source`, reached through a link, or any
   * symlink inside it (a Directory is walked, following the links that
   * relocation would follow) resolves outside the run's directories and inputs.
   */
  async check(source: string, where: string): Promise<void> {
    const real = realPathNow(source);
    if (real === undefined) return;
    if (real !== source && !this.allows(real)) throw outside(where, 'location', source, real);
    if (isDirectory(real)) await this.#walk(real, where, new Set([real]));
  }

  async #walk(dir: string, where: string, seen: Set<string>): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await this.#walk(p, where, seen);
      if (!entry.isSymbolicLink()) continue;
      const real = await realpath(p).catch(() => undefined);
      if (real === undefined) continue;
      if (!this.allows(real)) throw outside(where, 'symlink', p, real);
      // A link to a directory is copied as what it holds: walk that too, once.
      if (!seen.has(real) && isDirectory(real)) {
        seen.add(real);
        await this.#walk(real, where, seen);
      }
    }
  }
}

/** Whether a real path is a directory now (false once it is gone). */
function isDirectory(real: string): boolean {
  return lstatSync(real, { throwIfNoEntry: false })?.isDirectory() === true;
}

function outside(where: string, kind: string, p: string, real: string): PermanentFailure {
  return new PermanentFailure(`${where}: ${kind} ${p} (it resolves to ${real}) is outside the run's job directories and its inputs; it is not taken into --outdir`);
}
