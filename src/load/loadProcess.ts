import type { Process } from '../model/types.js';
import { toUri } from '../files/uri.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { hereOrInWorker } from './worker.js';
import { readProcess, type ReadOptions } from './processLoader.js';

export interface LoadOptions {
  /** Ends loading at once (rejecting with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Defaults to the built-in limits (the CLI passes them with the BESPIN_MAX_* variables applied). */
  readonly limits?: LoadLimits;
  /** Where schema verdicts are remembered between runs (validationCache.ts); absent: every document is checked. */
  readonly validationCacheDir?: string;
  /** Skip the schema check (used by tests of the normalizer alone). */
  readonly skipSchemaValidation?: boolean;
  /** --non-strict: fields the schema does not name are each a warning to `warn`, as cwltool warns and runs; absent: they are refused. */
  readonly nonStrict?: { readonly warn: (warning: string) => void };
}

/** A loaded process with the warnings its documents gave (from this thread or a load worker alike). */
export interface LoadedProcess {
  readonly process: Process;
  readonly warnings: readonly string[];
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
  const nonStrict = options.nonStrict !== undefined;
  const loaded = await hereOrInWorker(
    { kind: 'process', uri, limits, skipSchemaValidation, validationCacheDir, nonStrict }, options.signal,
    (here, guard) => readLoadedProcess(uri, here, { skipSchemaValidation, guard, validationCacheDir }, nonStrict),
  );
  for (const warning of loaded.warnings) options.nonStrict?.warn(warning);
  return loaded.process;
}

/** readProcess, with the unknown fields' warnings collected (under --non-strict) to be passed back with the process. */
export async function readLoadedProcess(uri: string, limits: LoadLimits, options: ReadOptions, nonStrict: boolean): Promise<LoadedProcess> {
  const warnings: string[] = [];
  const process = await readProcess(uri, limits, { ...options, ...(nonStrict ? { onUnknownField: (w: string) => warnings.push(w) } : {}) });
  return { process, warnings };
}
