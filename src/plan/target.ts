import type { Process, Workflow, WorkflowStep } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { shortName } from '../files/uri.js';

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

/** `--single-step ID`: the step of a workflow to run alone; its job object gives the step's inputs. */
export function singleStep(wf: Process, stepId: string, where: string): WorkflowStep {
  if (wf.class !== 'Workflow') throw new ValidationError(`${where}: --single-step needs a Workflow, not a ${wf.class}`);
  const name = targetName(stepId);
  const step = wf.steps.find((s) => s.id === name);
  if (!step) throw new ValidationError(`${where}: --single-step ${stepId}: no step of that name (steps: ${wf.steps.map((s) => s.id).join(', ')})`);
  return step;
}
