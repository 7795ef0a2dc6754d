import type { Process, WorkflowStep, WorkflowStepInput } from '../model/types.js';
import { PermanentFailure, ValidationError } from '../errors.js';
import type { RequirementSet } from '../model/requirements.js';
import type { ExpressionEngine } from '../expressions/index.js';
import { prepareValue } from '../job/inputFiles.js';
import { mergeSources, pickValue } from '../plan/links.js';
import { expandScatter, gatherScatter, type ScatterJob } from '../plan/scatter.js';
import { completeJobObject } from '../validate/jobObject.js';
import { isLoadListing } from '../load/types.js';
import type { RunContext } from './runContext.js';
import { runScatter } from './runScatter.js';

/**
 * Runs the process of a step (a tool, or a nested workflow). Passed in by
 * the caller rather than imported, so that running a workflow and running
 * a process do not import each other.
 */
export type ProcessRunner = (
  process: Process, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
) => Promise<Record<string, unknown>>;

/** How a step ended when it did not fail: a scattered step is `finished` even when `when` skipped some elements. */
export type StepResult =
  | { readonly kind: 'finished'; readonly outputs: Record<string, unknown> }
  | { readonly kind: 'skipped' };

/** A source key's value (`input` or `step/out`); a ready step's sources all have one. */
export type SourceValues = (key: string) => unknown;

/**
 * Runs one step: its input object from the sources (merged, picked,
 * defaulted), then one job, or one per scatter element (planned by
 * `plan/scatterProgress`), each evaluating valueFrom and `when` first.
 */
export async function runStep(
  step: WorkflowStep, sources: SourceValues, wfRequirements: RequirementSet, ctx: RunContext, name: string, runProcess: ProcessRunner,
): Promise<StepResult> {
  const requirements = wfRequirements.withLayer(step.requirements, step.hints);
  // Source values, merged and picked, with defaults: the step's input object before valueFrom.
  const raw: Record<string, unknown> = {};
  for (const input of step.in) raw[input.id] = await stepInputValue(input, sources, name, ctx);
  const runJob = stepJobRunner(step, requirements, ctx.engines.for(requirements), runProcess);
  if (step.scatter.length === 0) {
    const outputs = await runJob(raw, name, ctx);
    return outputs ? { kind: 'finished', outputs } : { kind: 'skipped' };
  }
  const expansion = expandScatter(raw, step.scatter, step.scatterMethod, name);
  const runElement = (job: ScatterJob, elementCtx: RunContext): Promise<Record<string, unknown> | null> =>
    runJob(job.inputs, `${name}[${job.index.join(',')}]`, elementCtx);
  const results = await runScatter(expansion, runElement, ctx, name);
  const outputs: Record<string, unknown> = {};
  for (const out of step.out) outputs[out] = gatherScatter(results.map((r) => (r ? r[out] ?? null : null)), expansion.shape);
  return { kind: 'finished', outputs };
}

type StepJobRunner = (object: Record<string, unknown>, label: string, ctx: RunContext) => Promise<Record<string, unknown> | null>;

/**
 * One job of a step: valueFrom (after scattering: `self` is the input's
 * value and `inputs` the job's values before any valueFrom), then `when`
 * (null when false), then the process.
 */
function stepJobRunner(step: WorkflowStep, requirements: RequirementSet, engine: ExpressionEngine, runProcess: ProcessRunner): StepJobRunner {
  const runInputs = new Set(step.run.inputs.map((p) => p.id));
  const withValueFrom = step.in.some((i) => i.valueFrom !== undefined);
  return async (object, label, ctx) => {
    let evaluated = object;
    if (withValueFrom) {
      evaluated = { ...object };
      for (const input of step.in) {
        if (input.valueFrom === undefined) continue;
        evaluated[input.id] = await engine.evaluate(input.valueFrom, { inputs: object, self: object[input.id] ?? null, runtime: {} });
      }
    }
    if (step.when !== undefined) {
      const condition = await engine.evaluate(step.when, { inputs: evaluated, self: null, runtime: {} });
      if (typeof condition !== 'boolean') throw new PermanentFailure(`${label}: 'when' must evaluate to true or false, got ${JSON.stringify(condition)}`);
      if (!condition) {
        ctx.logger.info(`[${label}] skipped: 'when' is false`);
        return null;
      }
    }
    const jobInput: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(evaluated)) if (runInputs.has(k)) jobInput[k] = v;
    let completed: Record<string, unknown>;
    try {
      completed = completeJobObject(step.run.inputs, jobInput, label);
    } catch (error) {
      if (error instanceof ValidationError) throw new PermanentFailure(error.message);
      throw error;
    }
    return runProcess(step.run, completed, requirements, ctx, label);
  };
}

async function stepInputValue(input: WorkflowStepInput, sources: SourceValues, where: string, ctx: RunContext): Promise<unknown> {
  let value: unknown = null;
  if (input.source.length > 0) {
    const merged = mergeSources(input.source.map((s) => sources(s) ?? null), input.source.length, input.linkMerge);
    value = pickValue(merged, input.pickValue, `${where}: input '${input.id}'`);
  }
  if ((value === null || value === undefined) && input.default !== undefined) value = input.default;
  if (input.loadContents || isLoadListing(input.loadListing)) {
    value = await prepareValue('Any', value, {
      ...(input.loadContents ? { loadContents: true } : {}),
      ...(isLoadListing(input.loadListing) ? { loadListing: input.loadListing } : {}),
    }, { evaluate: async (t) => t, defaultListing: 'no_listing', ontologies: new Map(), namespaces: {}, discoverSecondaryFiles: false, where: `${where}: input '${input.id}'`, remote: ctx.remote });
  }
  return value ?? null;
}
