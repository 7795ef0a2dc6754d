import PQueue from 'p-queue';
import type { Workflow, WorkflowStep, WorkflowStepInput } from '../model/types.js';
import { PermanentFailure, ValidationError } from '../errors.js';
import { RequirementSet } from '../build/requirements.js';
import { prepareInputFiles, prepareValue } from '../build/inputFiles.js';
import { mergeSources, pickValue, workflowOutputValue } from '../plan/links.js';
import { gatherScatter, scatterJobs } from '../plan/scatter.js';
import { planWorkflow } from '../plan/workflowPlan.js';
import { completeJobObject, describeType } from '../validate/jobObject.js';
import { checkedOutputs } from './runTool.js';
import type { RunContext } from './runContext.js';
import { runProcess } from './runProcess.js';
import { isLoadListing } from '../load/types.js';
import { forEachFile } from '../build/pathMapping.js';

/**
 * Runs a workflow: each step starts as soon as all of its sources have values
 * (event-driven, no polling); resources are admitted by the shared pool in
 * the tool runner. On a permanent failure no new step starts; running ones
 * finish, then the first failure is reported.
 */
export async function runWorkflow(
  wf: Workflow, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  topLevel = false,
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
  });
  const values = new Map<string, unknown>();
  for (const p of wf.inputs) values.set(p.id, inputs[p.id] ?? null);

  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  const stepCtx: RunContext = { ...ctx, signal: stop.signal };
  let failure: unknown;
  const started = new Set<string>();
  const running = new Set<Promise<void>>();

  await new Promise<void>((resolve) => {
    const launchReady = (): void => {
      if (failure === undefined) {
        for (const step of plan.order) {
          if (started.has(step.id)) continue;
          if (!plan.dependencies.get(step.id)!.every((src) => values.has(src))) continue;
          started.add(step.id);
          const p: Promise<void> = runStep(step, values, requirements, stepCtx, `${name}/${step.id}`)
            .then((outputs) => {
              for (const out of step.out) values.set(`${step.id}/${out}`, outputs[out] ?? null);
            })
            .catch((error: unknown) => {
              if (failure === undefined) failure = error;
              if (ctx.onError !== 'continue') stop.abort(error);
            })
            .finally(() => {
              running.delete(p);
              launchReady();
            });
          running.add(p);
        }
      }
      if (running.size === 0) resolve();
    };
    launchReady();
  });
  ctx.signal.removeEventListener('abort', onOuterAbort);
  if (failure !== undefined) {
    logPartialOutputs(values, ctx, name);
    throw failure;
  }
  const unfinished = plan.order.filter((s) => !started.has(s.id)).map((s) => s.id);
  if (unfinished.length > 0) throw new PermanentFailure(`${name}: steps never became ready: ${unfinished.join(', ')}`);

  const outputs: Record<string, unknown> = {};
  for (const o of wf.outputs) {
    const sourceValues = (o.outputSource ?? []).map((s) => values.get(s) ?? null);
    outputs[o.id] = workflowOutputValue(o, sourceValues, `${name}: output '${o.id}'`);
  }
  return checkedOutputs(wf.outputs, outputs, name, ctx);
}

async function runStep(
  step: WorkflowStep, values: ReadonlyMap<string, unknown>, wfRequirements: RequirementSet, ctx: RunContext, name: string,
): Promise<Record<string, unknown>> {
  const requirements = wfRequirements.withLayer(step.requirements, step.hints);
  const engine = ctx.engines.for(requirements);
  const where = name;
  // Source values, merged and picked, with defaults: the step's input object before valueFrom.
  const raw: Record<string, unknown> = {};
  for (const input of step.in) raw[input.id] = await sourceValue(input, values, where, ctx);
  const runInputs = new Set(step.run.inputs.map((p) => p.id));
  // valueFrom runs after scattering, per job: `self` is the input's value and
  // `inputs` the job's values before any valueFrom.
  const evalStepInputs = async (object: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (!step.in.some((i) => i.valueFrom !== undefined)) return object;
    const out: Record<string, unknown> = { ...object };
    for (const input of step.in) {
      if (input.valueFrom === undefined) continue;
      out[input.id] = await engine.evaluate(input.valueFrom, { inputs: object, self: object[input.id] ?? null, runtime: {} });
    }
    return out;
  };
  const runOne = async (object: Record<string, unknown>, label: string): Promise<Record<string, unknown> | null> => {
    if (step.when !== undefined) {
      const condition = await engine.evaluate(step.when, { inputs: object, self: null, runtime: {} });
      if (typeof condition !== 'boolean') throw new PermanentFailure(`${label}: 'when' must evaluate to true or false, got ${JSON.stringify(condition)}`);
      if (!condition) {
        ctx.logger.info(`[${label}] skipped: 'when' is false`);
        return null;
      }
    }
    const jobInput: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(object)) if (runInputs.has(k)) jobInput[k] = v;
    let completed: Record<string, unknown>;
    try {
      completed = completeJobObject(step.run.inputs, jobInput, label);
    } catch (error) {
      if (error instanceof ValidationError) throw new PermanentFailure(error.message);
      throw error;
    }
    return runProcess(step.run, completed, requirements, ctx, label);
  };
  const nullOutputs = (): Record<string, unknown> => Object.fromEntries(step.out.map((o) => [o, null]));

  if (step.scatter.length === 0) {
    return (await runOne(await evalStepInputs(raw), name)) ?? nullOutputs();
  }
  const { jobs, shape } = scatterJobs(raw, step.scatter, step.scatterMethod, where);
  // A window of elements in flight, not all of them: a 10,000-way scatter
  // would otherwise hold 10,000 prepared jobs waiting for the resource pool.
  const window = new PQueue({ concurrency: Math.max(32, 4 * ctx.pool.limits.cores) });
  const results = await Promise.all(jobs.map((j) => window.add(async () => {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const object = await evalStepInputs(j.inputs);
    return runOne(object, `${name}[${j.index.join(',')}]`);
  })));
  const outputs: Record<string, unknown> = {};
  for (const out of step.out) outputs[out] = gatherScatter(results.map((r) => (r ? r[out] ?? null : null)), shape);
  return outputs;
}

async function sourceValue(input: WorkflowStepInput, values: ReadonlyMap<string, unknown>, where: string, ctx: RunContext): Promise<unknown> {
  let value: unknown = null;
  if (input.source.length > 0) {
    const merged = mergeSources(input.source.map((s) => values.get(s) ?? null), input.source.length, input.linkMerge);
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


/** After a failure, says where the finished steps' outputs are, so that work is not lost. */
function logPartialOutputs(values: ReadonlyMap<string, unknown>, ctx: RunContext, name: string): void {
  const locations: string[] = [];
  for (const [key, value] of values) {
    if (!key.includes('/')) continue;
    forEachFile(value, (f) => { if (locations.length < 50) locations.push(`${key}: ${f.path ?? f.location}`); });
  }
  if (locations.length > 0) ctx.logger.warn({ partialOutputs: locations }, `${name}: outputs of the steps that finished:\n  ${locations.join('\n  ')}`);
}
