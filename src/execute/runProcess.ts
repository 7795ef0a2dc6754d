import type { Process } from '../model/types.js';
import { UnsupportedRequirementError } from '../errors.js';
import type { RequirementSet } from '../build/requirements.js';
import { runCommandLineTool, runExpressionTool } from './runTool.js';
import type { RunContext } from './runContext.js';

/** Runs any process with a complete job object, returning its output object. */
export async function runProcess(
  process: Process, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
): Promise<Record<string, unknown>> {
  switch (process.class) {
    case 'CommandLineTool':
      return runCommandLineTool(process, job, inherited, ctx, name);
    case 'ExpressionTool':
      return runExpressionTool(process, job, inherited, ctx, name);
    case 'Workflow': {
      const { runWorkflow } = await import('./runWorkflow.js');
      return runWorkflow(process, job, inherited, ctx, name);
    }
    case 'Operation':
      throw new UnsupportedRequirementError(`${name}: an Operation is abstract and cannot be run`);
  }
}
