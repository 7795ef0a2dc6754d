import type { Process } from '../model/types.js';
import { toUri } from '../files/uri.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { hereOrInWorker } from './worker.js';
import { readProcess } from './processLoader.js';

export interface LoadOptions {
  /** Ends loading at once (rejecting with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Defaults to the built-in limits (the CLI passes them with the BESPIN_MAX_* variables applied). */
  readonly limits?: LoadLimits;
  /** Where schema verdicts are remembered between runs (validationCache.ts); absent: every document is checked. */
  readonly validationCacheDir?: string;
  /** Skip the schema check (used by tests of the normalizer alone). */
  readonly skipSchemaValidation?: boolean;
}

/**
 * Loads a process from a path or URI (`wf.cwl`, `wf.cwl#main`,
 * `https://host/tool.cwl`), with every `run` it references, validated and
 * normalized to the v1.2 model, within the load limits. Small documents are
 * loaded in this thread; large ones in a worker, so that the caller's event
 * loop stays free (for signals) while they load.
 */
export async function loadProcess(reference: string, options: LoadOptions = {}): Promise<Process> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const uri = toUri(reference);
  const skipSchemaValidation = options.skipSchemaValidation ?? false;
  const validationCacheDir = options.validationCacheDir;
  return hereOrInWorker(
    { kind: 'process', uri, limits, skipSchemaValidation, validationCacheDir }, options.signal,
    (here, guard) => readProcess(uri, here, { skipSchemaValidation, guard, validationCacheDir }),
  );
}
