import type { Workflow, WorkflowStep } from '../model/types.js';
import { PermanentFailure, errorMessage } from '../errors.js';
import { RequirementSet } from '../model/requirements.js';
import { prepareInputFiles } from '../job/inputFiles.js';
import { workflowOutputValue } from '../plan/links.js';
import { planWorkflow, type WorkflowPlan } from '../plan/workflowPlan.js';
import {
  applyStepEvent, decideSteps, partialValueOfSource, startWorkflow, valueOfSource, type StepEvent, type WorkflowOutcome, type WorkflowRunState,
} from '../plan/stepStates.js';
import { checkedOutputs } from './outputTypes.js';
import type { RunContext } from './runContext.js';
import { runStep, type ProcessRunner } from './runStep.js';
import { forEachFile } from '../model/fileWalk.js';
import { drivePlanner } from './plannerDriver.js';
import { partialOutputsOf, recordPartialOutputs } from './partialOutputs.js';

/**
 * Runs a workflow: `plan/stepStates` decides which steps start (each as soon
 * as all of its sources have values: event-driven, no polling); this only
 * runs them and feeds back how they ended. It settles only when no step runs
 * any more — after a failure, under --on-error stop the running steps are
 * cancelled and awaited, under continue the steps that do not depend on the
 * failed one run on — and then throws the first failure.
 */
export async function runWorkflow(
  wf: Workflow, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  topLevel: boolean, runProcess: ProcessRunner,
): Promise<Record<string, unknown>> {
  const plan = planWorkflow(wf, name);
  const requirements = RequirementSet.forProcess(wf, inherited);
  const engine = ctx.engines.for(requirements);
  const inputs = await prepareInputFiles(wf.inputs, job, {
    evaluate: (text, self) => engine.evaluate(text, { inputs: job, self, runtime: {} }),
    defaultListing: 'no_listing',
    ontologies: ctx.ontologies,
    namespaces: wf.namespaces,
    discoverSecondaryFiles: topLevel,
    where: name,
    remote: ctx.remote,
    writeLiterals: true,
  });
  const values = new Map<string, unknown>(wf.inputs.map((p) => [p.id, inputs[p.id] ?? null]));
  const { state, outcome } = await runSteps(plan, startWorkflow(plan, values), requirements, ctx, name, runProcess);
  switch (outcome.kind) {
    case 'failed':
      if (outcome.notRun.length > 0) ctx.logger.info(`${name}: not run because of the failure: ${outcome.notRun.join(', ')}`);
      // The top level's finished outputs go to --outdir (cli/runEnding.ts); a
      // subworkflow's are its step's partial outputs in the workflow around it, and logged.
      recordPartialOutputs(outcome.failure.error, partialOutputs(wf, state, name), name);
      if (!topLevel) logPartialOutputs(state, ctx, name);
      throw outcome.failure.error;
    case 'stuck':
      throw new PermanentFailure(`${name}: steps never became ready: ${outcome.waiting.join(', ')}`);
    case 'succeeded':
      break;
  }
  const outputs: Record<string, unknown> = {};
  for (const o of wf.outputs) {
    const sourceValues = (o.outputSource ?? []).map((s) => valueOfSource(state, s) ?? null);
    outputs[o.id] = workflowOutputValue(o, sourceValues, `${name}: output '${o.id}'`);
  }
  return checkedOutputs(wf.outputs, outputs, name, ctx);
}

/** Starts what the planner says and feeds back what ended, until it gives an outcome. */
async function runSteps(
  plan: WorkflowPlan, initial: WorkflowRunState, requirements: RequirementSet, ctx: RunContext, name: string, runProcess: ProcessRunner,
): Promise<{ state: WorkflowRunState; outcome: WorkflowOutcome }> {
  let state = initial;
  const feed = (event: StepEvent): void => {
    if (event.kind === 'failed' && state.failure === undefined && !state.cancelled && ctx.onError === 'continue') {
      ctx.logger.warn(`[${name}/${event.step}] failed: ${errorMessage(event.error)}; the steps that do not depend on it run on (--on-error continue)`);
    }
    state = applyStepEvent(state, event);
  };
  let stepCtx: RunContext | undefined; // one for all, made with the driver's signal
  const outcome = await drivePlanner<WorkflowStep, WorkflowOutcome>(ctx.signal, {
    noteCancelled: (reason) => { if (!state.cancelled) feed({ kind: 'cancelled', reason }); },
    decide: () => decideSteps(plan, state, ctx.onError),
    cancelling: () => {
      if (!state.cancelled) ctx.logger.info(`${name}: cancelling the running steps after the failure of ${state.failure?.step ?? 'a step'} (--on-error stop)`);
      return state.failure?.error;
    },
    start: (step, signal) => {
      feed({ kind: 'started', step: step.id });
      // The steps' own signal: a failure under stop cancels them, not the run around this workflow.
      return runStep(step, (key) => valueOfSource(state, key), requirements, (stepCtx ??= { ...ctx, signal }), `${name}/${step.id}`, runProcess).then(
        (result) => feed(result.kind === 'skipped' ? { kind: 'skipped', step: step.id } : { kind: 'finished', step: step.id, outputs: result.outputs }),
        // Only the step's own partial outputs: not a scatter element's, nor those of a step whose failure this one shares.
        (error: unknown) => feed({ kind: 'failed', step: step.id, error, outputs: partialOutputsOf(error, `${name}/${step.id}`) }),
      );
    },
  });
  return { state, outcome };
}

/**
 * After a failure, the workflow's outputs that the finished steps give
 * (null where a source has no value, or where linkMerge/pickValue refuse
 * what there is), as cwltool's partial output object. Not type-checked: a
 * required output may be null here.
 */
function partialOutputs(wf: Workflow, state: WorkflowRunState, name: string): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const o of wf.outputs) {
    const sourceValues = (o.outputSource ?? []).map((s) => partialValueOfSource(state, s));
    if (sourceValues.some((v) => v === undefined)) {
      outputs[o.id] = null;
      continue;
    }
    try {
      outputs[o.id] = workflowOutputValue(o, sourceValues, `${name}: output '${o.id}'`);
    } catch {
      outputs[o.id] = null;
    }
  }
  return outputs;
}

/** After a failure, says where the finished steps' outputs are, so that work is not lost. */
function logPartialOutputs(state: WorkflowRunState, ctx: RunContext, name: string): void {
  const locations: string[] = [];
  for (const [step, stepState] of state.steps) {
    const outputs = stepState.kind === 'done' || stepState.kind === 'failed' ? stepState.outputs : undefined;
    for (const [out, value] of Object.entries(outputs ?? {})) {
      forEachFile(value, (f) => { if (locations.length < 50) locations.push(`${step}/${out}: ${f.path ?? f.location}`); });
    }
  }
  if (locations.length > 0) ctx.logger.warn({ partialOutputs: locations }, `${name}: outputs of the steps that finished:\n  ${locations.join('\n  ')}`);
}
