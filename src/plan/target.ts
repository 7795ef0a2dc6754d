import type { Process, Workflow, WorkflowStep } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { fragmentOf, shortName } from '../files/uri.js';

/** A target as cwltool accepts it: `out`, `#main/out`, `file:///wf.cwl#main/step` → its last path segment. */
function targetName(target: string): string {
  return shortName(target);
}

/**
 * `--target ID` (repeatable): the workflow cut down to what the named
 * outputs or steps need. A workflow output keeps the steps its sources come
 * from, transitively; a step target keeps that step and its upstream steps,
 * and the workflow's outputs become the ones fed only by kept steps.
 */
export function targetWorkflow(wf: Process, targets: readonly string[], where: string): Workflow {
  if (wf.class !== 'Workflow') throw new ValidationError(`${where}: --target needs a Workflow, not a ${wf.class}`);
  const byId = new Map(wf.steps.map((s) => [s.id, s]));
  const outputIds = new Set(wf.outputs.map((o) => o.id));
  const keep = new Set<string>();
  const want = (stepId: string): void => {
    if (keep.has(stepId)) return;
    const step = byId.get(stepId);
    if (!step) return;
    keep.add(stepId);
    for (const input of step.in) for (const src of input.source) want(src.split('/')[0]!);
  };
  const outputs = new Set<string>();
  for (const target of targets.map(targetName)) {
    if (outputIds.has(target)) {
      outputs.add(target);
      for (const src of wf.outputs.find((o) => o.id === target)!.outputSource ?? []) want(src.split('/')[0]!);
    } else if (byId.has(target)) {
      want(target);
    } else {
      throw new ValidationError(`${where}: --target ${target}: no workflow output or step of that name (outputs: ${[...outputIds].join(', ') || 'none'}; steps: ${[...byId.keys()].join(', ')})`);
    }
  }
  const fedByKept = (sources: readonly string[]): boolean => sources.every((s) => !s.includes('/') || keep.has(s.split('/')[0]!));
  const steps = wf.steps.filter((s) => keep.has(s.id));
  const keptOutputs = wf.outputs.filter((o) => outputs.has(o.id) || (outputs.size === 0 && fedByKept(o.outputSource ?? [])));
  // Inputs nothing kept reads are dropped too, so the job object need not give them (as cwltool's subgraph does).
  const read = new Set([...steps.flatMap((s) => s.in.flatMap((i) => i.source)), ...keptOutputs.flatMap((o) => o.outputSource ?? [])]);
  return { ...wf, inputs: wf.inputs.filter((p) => read.has(p.id)), steps, outputs: keptOutputs };
}

/** A step and the workflow it is in. */
export interface EnclosedStep {
  readonly workflow: Workflow;
  readonly step: WorkflowStep;
}

/**
 * `--single-step ID`: the step of a workflow to run alone, and the steps
 * enclosing it (outermost first, the step itself last); its job object gives
 * the step's inputs. As in cwltool, `sub/inner` names step `inner` of the
 * workflow that step `sub` runs; `#main/step` and full URIs name the same
 * step as `step`.
 */
export function singleStep(wf: Process, stepId: string, where: string): readonly EnclosedStep[] {
  if (wf.class !== 'Workflow') throw new ValidationError(`${where}: --single-step needs a Workflow, not a ${wf.class}`);
  const segments = (stepId.includes('#') ? fragmentOf(stepId) : stepId).split('/').filter((s) => s !== '');
  const found = stepPath(wf, segments) ?? (segments.length > 1 ? stepPath(wf, segments.slice(1)) : undefined);
  if (!found) throw new ValidationError(`${where}: --single-step ${stepId}: no step of that name (steps: ${stepNames(wf).join(', ')})`);
  return found;
}

/** The steps `segments` walk down to, each after the first inside the workflow its predecessor runs. */
function stepPath(wf: Workflow, segments: readonly string[]): EnclosedStep[] | undefined {
  const step = wf.steps.find((s) => s.id === segments[0]);
  if (!step || segments.length === 0) return undefined;
  if (segments.length === 1) return [{ workflow: wf, step }];
  if (step.run.class !== 'Workflow') return undefined;
  const inner = stepPath(step.run, segments.slice(1));
  return inner ? [{ workflow: wf, step }, ...inner] : undefined;
}

/** Every step `--single-step` can name: `step`, and `sub/inner` inside subworkflows. */
function stepNames(wf: Workflow): string[] {
  return wf.steps.flatMap((s) => [s.id, ...(s.run.class === 'Workflow' ? stepNames(s.run).map((n) => `${s.id}/${n}`) : [])]);
}

/**
 * What `--single-step` runs, as cwltool builds it: a workflow (with the
 * requirements of the one the step is in) of that step alone, each of the
 * step's inputs a workflow input of type Any (keeping the step's default),
 * each of its outputs a workflow output; the step keeps its scatter,
 * valueFrom and `when`.
 */
export function singleStepWorkflow(enclosed: EnclosedStep): Workflow {
  const { workflow, step } = enclosed;
  const inputs = step.in.map((i) => ({ id: i.id, type: 'Any' as const, ...(i.default !== undefined ? { default: i.default } : {}) }));
  const alone = { ...step, in: step.in.map(({ linkMerge: _merge, ...i }) => ({ ...i, source: [i.id] })) };
  const outputs = step.out.map((o) => ({ id: o, type: 'Any' as const, outputSource: [`${step.id}/${o}`] }));
  return { ...workflow, inputs, outputs, steps: [alone] };
}
