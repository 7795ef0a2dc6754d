import type { Workflow } from '../model/types.js';
import type { RequirementSet } from '../build/requirements.js';
import type { RunContext } from './runContext.js';
import { UnsupportedRequirementError } from '../errors.js';

export async function runWorkflow(
  _wf: Workflow, _job: Record<string, unknown>, _inherited: RequirementSet | undefined, _ctx: RunContext, name: string,
): Promise<Record<string, unknown>> {
  throw new UnsupportedRequirementError(`${name}: workflows are not supported yet`);
}
