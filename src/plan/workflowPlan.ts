import type { Workflow, WorkflowStep } from '../model/types.js';
import { ValidationError } from '../errors.js';

export interface WorkflowPlan {
  /** Steps in document order (launch order among ready steps). */
  readonly order: readonly WorkflowStep[];
  /** For each step, the value keys it waits for (`input` or `step/out`). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
}

/**
 * Checks that every source names a workflow input or a declared step output,
 * and that the graph has no cycle; returns what each step waits for.
 */
export function planWorkflow(wf: Workflow, where: string): WorkflowPlan {
  const inputs = new Set(wf.inputs.map((p) => p.id));
  const outs = new Map<string, WorkflowStep>();
  for (const step of wf.steps) for (const o of step.out) outs.set(`${step.id}/${o}`, step);
  const known = (src: string): boolean => inputs.has(src) || outs.has(src);
  const dependencies = new Map<string, string[]>();
  for (const step of wf.steps) {
    const deps: string[] = [];
    for (const input of step.in) {
      for (const src of input.source) {
        if (!known(src)) throw new ValidationError(`${where}: step '${step.id}' input '${input.id}' has source '${src}', which is neither a workflow input nor a step output`);
        deps.push(src);
      }
    }
    for (const s of step.scatter) {
      if (!step.in.some((i) => i.id === s)) throw new ValidationError(`${where}: step '${step.id}' scatters over '${s}', which is not one of its inputs`);
    }
    dependencies.set(step.id, deps);
  }
  for (const o of wf.outputs) {
    for (const src of o.outputSource ?? []) {
      if (!known(src)) throw new ValidationError(`${where}: output '${o.id}' has outputSource '${src}', which is neither a workflow input nor a step output`);
    }
  }
  // Cycle check: repeatedly remove steps whose dependencies are satisfied.
  const done = new Set(inputs);
  const remaining = new Set(wf.steps);
  let progress = true;
  while (remaining.size > 0 && progress) {
    progress = false;
    for (const step of remaining) {
      if (dependencies.get(step.id)!.every((d) => done.has(d))) {
        for (const o of step.out) done.add(`${step.id}/${o}`);
        remaining.delete(step);
        progress = true;
      }
    }
  }
  if (remaining.size > 0) throw new ValidationError(`${where}: the steps ${[...remaining].map((s) => s.id).join(', ')} form a cycle`);
  return { order: wf.steps, dependencies };
}
