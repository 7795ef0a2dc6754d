import type { ExpressionEngines } from '../expressions/engines.js';
import type { Ontologies } from '../load/formats.js';
import type { Logger } from '../logger.js';
import type { RemoteInputs } from '../files/remoteInputs.js';
import type { ScratchSpace } from './scratchSpace.js';
import type { ToolRunner } from './toolRunner.js';

/**
 * The small, read-only set of dependencies a run passes down to its
 * workflows, steps and tools. Nothing here is written to as the run goes:
 * the job directories are the ScratchSpace's, the secrets met the
 * SecretMask's the CLI gave the tool runner. A workflow's steps and a
 * scatter's elements get a copy with their own signal (and scratch view).
 */
export interface RunContext {
  /** Runs each tool job: built once per run by the CLI over its backend, collect stage and retry limits. */
  readonly tools: ToolRunner;
  /** Where tool jobs' directories are made: the run's, or inside a scatter its view that reuses empty scratch directories. */
  readonly scratch: ScratchSpace;
  readonly engines: ExpressionEngines;
  readonly ontologies: Ontologies;
  readonly logger: Logger;
  /** Downloads `http(s)://` File locations (job object, defaults) once per run, on the tmpout claim. */
  readonly remote: RemoteInputs;
  readonly signal: AbortSignal;
  /** After a permanent failure: stop launching steps, or carry on with independent ones. */
  readonly onError: 'stop' | 'continue';
  /** --strict: refuse what cwltool tolerates where the spec is silent (null items in array outputs). */
  readonly strict: boolean;
}
