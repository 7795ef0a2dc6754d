import type { CwlVersion, Process, Requirement } from '../model/types.js';
import { ValidationError } from '../errors.js';

/**
 * cwltool's extension schemas (cwltool 3.3, `extensions*.yml`): the
 * `cwltool:` classes a document of each version may list under
 * `requirements` once `--enable-ext` loads them. v1.1 and later documents
 * use the standard LoadListingRequirement, WorkReuse, NetworkAccess,
 * InplaceUpdateRequirement and ToolTimeLimit instead of cwltool's.
 */
const EXTENSIONS_BY_VERSION: Readonly<Record<CwlVersion, ReadonlySet<string>>> = {
  'v1.0': new Set(['LoadListingRequirement', 'InplaceUpdateRequirement', 'Secrets', 'TimeLimit', 'WorkReuse', 'NetworkAccess', 'ProcessGenerator', 'MPIRequirement', 'CUDARequirement', 'ShmSize']),
  'v1.1': new Set(['Secrets', 'ProcessGenerator', 'MPIRequirement', 'CUDARequirement', 'ShmSize']),
  'v1.2': new Set(['Secrets', 'ProcessGenerator', 'MPIRequirement', 'CUDARequirement', 'Loop', 'ShmSize']),
};

/** cwltool accepts these only as hints, even with --enable-ext. */
const HINT_ONLY = new Set(['Secrets']);

/**
 * Gates cwltool's extensions as cwltool does: without `--enable-ext` a
 * `cwltool:` class under `requirements` fails validation (exit 1); with it,
 * only the classes of the document's version's extension schema are known.
 * Hints are never refused (cwltool warns and goes on). An extension bespin
 * does not implement (MPIRequirement, ShmSize, ProcessGenerator, Loop) is
 * refused earlier, when loading, with exit 33, --enable-ext or not.
 */
export function checkExtensions(process: Process, enableExt: boolean, where: string): void {
  const check = (requirements: readonly Requirement[], version: CwlVersion, at: string): void => {
    for (const req of requirements) {
      // A v1.0 extension read as its standard class keeps its own name (load/upgrade.ts).
      const given = typeof req.extensionClass === 'string' ? req.extensionClass : req.class;
      if (!given.startsWith('cwltool:')) continue;
      const name = given.slice('cwltool:'.length);
      if (!enableExt) {
        throw new ValidationError(`${at}: requirement ${given} is a cwltool extension; run with --enable-ext to use it (or list it under hints)`);
      }
      if (HINT_ONLY.has(name)) throw new ValidationError(`${at}: ${given} may only be a hint (as in cwltool); move it under hints`);
      if (!EXTENSIONS_BY_VERSION[version].has(name)) {
        throw new ValidationError(`${at}: requirement ${given} is not among cwltool's extensions for CWL ${version} (${[...EXTENSIONS_BY_VERSION[version]].join(', ')})`);
      }
    }
  };
  const visit = (p: Process, at: string): void => {
    check(p.requirements, p.originalVersion, at);
    if (p.class !== 'Workflow') return;
    for (const step of p.steps) {
      check(step.requirements, p.originalVersion, `${at} step '${step.id}'`);
      visit(step.run, `${at} step '${step.id}'`);
    }
  };
  visit(process, where);
}
