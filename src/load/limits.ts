import { formatBytes } from '../model/quantity.js';
import { ValidationError } from '../errors.js';

/**
 * How far loading may go before it refuses a document or job file, so that a
 * small input cannot expand (by YAML aliases, `$import`, `$include` or `run`
 * references) into more than the engine's memory. Sizes are in bytes of
 * source text; an expanded size counts each alias, `$import` and `$include`
 * as if its target were written out in its place.
 */
export interface LoadLimits {
  /** A CWL document, each file it `$import`s or `$include`s, and the document once expanded. */
  readonly documentBytes: number;
  /** A job file (YAML or JSON), and the job object once its aliases are expanded. */
  readonly jobFileBytes: number;
  /** `$import`s and `$include`s expanded for one document, counting each occurrence. */
  readonly imports: number;
  /** Processes loaded by reference (`run: file.cwl`, `run: '#id'`) for one top-level process. */
  readonly runReferences: number;
}

/**
 * 16 MiB of CWL is several times the largest packed workflows seen in
 * practice, and already takes about 30 s and 2 GB to validate; job files list
 * data, so they get 64 MiB (a 64 MB JSON job object takes about 200 MB of heap
 * once parsed, and a run of the engine that loads one about 600 MB). Documents import
 * a few files and reference a few hundred tools at most.
 */
export const DEFAULT_LIMITS: LoadLimits = {
  documentBytes: 16 * 2 ** 20,
  jobFileBytes: 64 * 2 ** 20,
  imports: 10_000,
  runReferences: 10_000,
};

/** The environment variables that change the byte limits (the CLI reads them; messages name them). */
export const LIMIT_VARIABLES = {
  documentBytes: 'BESPIN_MAX_DOCUMENT_BYTES',
  jobFileBytes: 'BESPIN_MAX_JOB_FILE_BYTES',
} as const;

export { NESTING_LIMIT } from '../model/nesting.js';

/** A byte limit that applies to one kind of file, for reading and for error messages. */
export interface SizeLimit {
  readonly bytes: number;
  /** `document` or `job file`. */
  readonly what: string;
  readonly variable: string;
}

export function documentSizeLimit(limits: LoadLimits): SizeLimit {
  return { bytes: limits.documentBytes, what: 'document', variable: LIMIT_VARIABLES.documentBytes };
}

export function jobFileSizeLimit(limits: LoadLimits): SizeLimit {
  return { bytes: limits.jobFileBytes, what: 'job file', variable: LIMIT_VARIABLES.jobFileBytes };
}

/** `the 16 MiB limit (BESPIN_MAX_DOCUMENT_BYTES)` */
export function describeLimit(limit: SizeLimit): string {
  return `the ${formatBytes(limit.bytes)} limit (${limit.variable})`;
}

/**
 * A limit was reached. Loading in the main thread uses tighter limits and a
 * deadline, and starts over in a worker when it meets this error (worker.ts).
 */
export class LoadLimitError extends ValidationError {}
