import type { CommandLineTool, LoadListing, OutputParameter } from '../model/types.js';
import type { CommandLineJob } from '../job/commandLineJob.js';
import type { ExpressionEngine } from '../expressions/index.js';

/** What a finished CommandLineTool job leaves for the collect stage. */
export interface FinishedCommandLineJob {
  readonly tool: CommandLineTool;
  readonly built: CommandLineJob;
  readonly exitCode: number;
  readonly engine: ExpressionEngine;
  /** The LoadListingRequirement in force, for Directory outputs. */
  readonly listing: LoadListing;
  /** The job's inputs: outputs may point at them as well as at the job's own directories. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** An ExpressionTool's result before its Files are checked and given their details. */
export interface ExpressionResult {
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly params: readonly OutputParameter[];
  /** Where File literals the expression returns are written. */
  readonly outdir: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly name: string;
}

/**
 * The collect stage as execute/ sees it. The CLI passes collect/'s
 * implementation in, so that running a job never imports what reads its results.
 */
export interface OutputCollection {
  /** The output object from a finished job's directories (confined to them, its staged files and its inputs). */
  commandLineTool(job: FinishedCommandLineJob): Promise<Record<string, unknown>>;
  /** Checks an ExpressionTool's File and Directory outputs and fills in their details, in place. */
  expressionTool(result: ExpressionResult): Promise<void>;
}
