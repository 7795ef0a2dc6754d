import type { CwlType, InputParameter, Workflow, WorkflowStep } from '../model/types.js';
import type { Anchor } from './documentPlaces.js';
import type { GraphReport } from './graphLinks.js';
import type { Port } from './linkTypes.js';

/**
 * What one step connects to its process: every `out` name is an output of
 * the process, scatter names inputs of the step (and says how to combine
 * several), every required input of the process gets a source, a default or
 * a valueFrom. Returns the step's outputs as link sources: each process
 * output an array once per scatter dimension (once for dotproduct and
 * flat_crossproduct, once per scattered input for nested_crossproduct).
 */
export function checkStepConnections(wf: Workflow, step: WorkflowStep, anchors: readonly Anchor[], report: GraphReport): Map<string, Port> {
  const stepAnchors: Anchor[] = [...anchors, { field: 'steps' }, { entry: step.id }];
  const error = (message: string, more: readonly Anchor[] = []): void => {
    report.errors.push({ document: wf.baseUri, anchors: [...stepAnchors, ...more], message: `step '${step.id}': ${message}` });
  };
  const outputs = new Map<string, Port>();
  const nesting = step.scatter.length === 0 ? 0 : step.scatterMethod === 'nested_crossproduct' ? step.scatter.length : 1;
  for (const name of step.out) {
    const declared = step.run.outputs.find((o) => o.id === name);
    if (declared === undefined) {
      error(`out '${name}' is not an output of its process (it has ${names(step.run.outputs)})`, [{ field: 'out' }, { value: name }]);
      continue;
    }
    // `stdout` and `stderr` outputs are Files, as cwltool rewrites them when it loads a tool.
    const type = declared.type === 'stdout' || declared.type === 'stderr' ? 'File' : declared.type;
    outputs.set(name, { ...declared, type: arrayOf(type, nesting) });
  }
  for (const name of step.scatter) {
    if (!step.in.some((i) => i.id === name)) error(`scatters over '${name}', which is not one of its inputs (${names(step.in)})`, [{ field: 'scatter' }, { value: name }]);
  }
  if (step.scatter.length > 1 && step.scatterMethod === undefined) {
    error(`scatters over ${step.scatter.length} inputs without a scatterMethod (dotproduct, nested_crossproduct or flat_crossproduct)`, [{ field: 'scatter' }]);
  }
  for (const param of step.run.inputs) {
    if (!isRequired(param)) continue;
    const input = step.in.find((i) => i.id === param.id);
    if (input === undefined) {
      error(`input '${param.id}' of its process is required, but the step does not give it (no entry under in)`, [{ field: 'in' }]);
    } else if (input.source.length === 0 && input.default === undefined && input.valueFrom === undefined) {
      error(`input '${param.id}' is required, but has no source, default or valueFrom`, [{ field: 'in' }, { entry: param.id }]);
    }
  }
  return outputs;
}

/** Required as cwltool sees it: no null in its type, and no default of its own. */
function isRequired(param: InputParameter): boolean {
  const optional = param.type === 'null' || (Array.isArray(param.type) && param.type.includes('null'));
  return !optional && param.default === undefined;
}

function arrayOf(type: CwlType, levels: number): CwlType {
  let wrapped = type;
  for (let i = 0; i < levels; i++) wrapped = { type: 'array', items: wrapped };
  return wrapped;
}

function names(list: readonly { readonly id: string }[]): string {
  return list.length === 0 ? 'none' : list.map((p) => `'${p.id}'`).join(', ');
}
