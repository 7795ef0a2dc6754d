import type { Process } from '../model/types.js';
import { UnsupportedRequirementError } from '../errors.js';
import type { RequirementSet } from '../model/requirements.js';
import { runCommandLineTool, runExpressionTool } from './runTool.js';
import type { RunContext } from './runContext.js';
import { runWorkflow } from './runWorkflow.js';

/** Runs any process with a complete job object, returning its output object. */
export async function runProcess(
  process: Process, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  /** The process the user ran (its job object came from the user), not a workflow step. */
  topLevel = false,
): Promise<Record<string, unknown>> {
  switch (process.class) {
    case 'CommandLineTool':
      // Retries of every kind happen inside, per job (retryPolicy.ts).
      return runCommandLineTool(process, job, inherited, ctx, name, topLevel);
    case 'ExpressionTool':
      return runExpressionTool(process, job, inherited, ctx, name, topLevel);
    case 'Workflow':
      // Its steps' processes run through here: passed in, so the two modules do not import each other.
      return runWorkflow(process, job, inherited, ctx, name, topLevel, runProcess);
    case 'Operation':
      throw new UnsupportedRequirementError(`${name}: an Operation is abstract and cannot be run`);
  }
}
