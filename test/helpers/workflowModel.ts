/** Workflow model objects built in memory, for planner tests that load no document and run nothing. */
import type { Process, Workflow, WorkflowStep } from '../../src/model/types.js';

const base = {
  baseUri: 'file:///test/wf.cwl', cwlVersion: 'v1.2', originalVersion: 'v1.2', requirements: [], hints: [], namespaces: {}, schemas: [],
} as const;

const tool: Process = {
  ...base, id: 'tool', class: 'CommandLineTool', inputs: [], outputs: [],
  baseCommand: ['true'], arguments: [], successCodes: [0], temporaryFailCodes: [], permanentFailCodes: [],
};

export interface StepSketch {
  /** Step input id → source keys (`input` or `step/out`). */
  readonly in?: Readonly<Record<string, string | readonly string[]>>;
  readonly out?: readonly string[];
  readonly scatter?: readonly string[];
}

/** A workflow with these inputs and steps (in this order); every step runs the same do-nothing tool. */
export function workflowOf(inputs: readonly string[], steps: Readonly<Record<string, StepSketch>>): Workflow {
  const made: WorkflowStep[] = Object.entries(steps).map(([id, s]) => ({
    id,
    in: Object.entries(s.in ?? {}).map(([inputId, src]) => ({ id: inputId, source: typeof src === 'string' ? [src] : [...src] })),
    out: s.out ?? ['out'],
    run: tool,
    requirements: [],
    hints: [],
    scatter: s.scatter ?? [],
  }));
  return { ...base, id: 'wf', class: 'Workflow', inputs: inputs.map((id) => ({ id, type: 'Any' })), outputs: [], steps: made };
}
