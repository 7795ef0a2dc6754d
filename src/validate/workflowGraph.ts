import type { CwlType, Process, Workflow, WorkflowStep, WorkflowStepInput } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { uriToPath } from '../files/uri.js';
import { fetchText } from '../load/fetch.js';
import { locate, type Anchor } from './documentPlaces.js';
import { checkSinkTypes, type GraphProblem, type GraphReport, type LinkSink, type LinkSource } from './graphLinks.js';
import { checkStepConnections } from './stepConnections.js';

export type { GraphProblem, GraphReport };

/**
 * Checks the graph of every workflow in a process, once, after loading and
 * before anything runs (cwltool's static_checker): every source, `out` name
 * and outputSource names something, scatters name inputs, required inputs
 * get a value, steps form no cycle, and no link joins types that can never
 * match. Warnings (a link that may not fit, which cwltool runs too) go to
 * `warn`; errors are one ValidationError, a line each, in cwltool's
 * `file:line:column: ` form.
 */
export async function checkWorkflowGraph(
  process: Process, warn: (message: string) => void, readText: (uri: string) => Promise<string> = fetchText,
): Promise<void> {
  const report = workflowGraphProblems(process);
  if (report.errors.length === 0 && report.warnings.length === 0) return;
  const located = placer(readText);
  for (const line of unique(await Promise.all(report.warnings.map(located)))) warn(line);
  if (report.errors.length > 0) throw new ValidationError(unique(await Promise.all(report.errors.map(located))).join('\n'));
}

/** The problems of every workflow reached from `root` (each process once), in document order. */
export function workflowGraphProblems(root: Process): GraphReport {
  const report: GraphReport = { errors: [], warnings: [] };
  const seen = new Set<Process>();
  const visit = (process: Process, anchors: readonly Anchor[]): void => {
    if (seen.has(process) || process.class !== 'Workflow') return;
    seen.add(process);
    checkWorkflow(process, anchors, report);
    for (const step of process.steps) visit(step.run, runAnchors(process, step, anchors));
  };
  visit(root, idAnchors(root));
  return report;
}

/** A process with an id (a `$graph` entry, or one that names itself) is found by it; one written inline, under its step's `run`. */
function runAnchors(wf: Workflow, step: WorkflowStep, anchors: readonly Anchor[]): readonly Anchor[] {
  const own = idAnchors(step.run);
  if (own.length > 0 || step.run.baseUri !== wf.baseUri) return own;
  return [...anchors, { field: 'steps' }, { entry: step.id }, { field: 'run' }];
}

function idAnchors(process: Process): Anchor[] {
  const hash = process.id.indexOf('#');
  const name = hash >= 0 ? process.id.slice(hash + 1).split('/').pop() : undefined;
  return name ? [{ entry: name }] : [];
}

function checkWorkflow(wf: Workflow, anchors: readonly Anchor[], report: GraphReport): void {
  const sources = new Map<string, LinkSource>();
  for (const input of wf.inputs) sources.set(input.id, { port: input, conditional: false });
  for (const step of wf.steps) {
    for (const [name, port] of checkStepConnections(wf, step, anchors, report)) {
      sources.set(`${step.id}/${name}`, { port, conditional: step.when !== undefined });
    }
  }
  const unknown = (src: string): string | undefined => (sources.has(src) ? undefined : unknownSource(wf, src));
  for (const step of wf.steps) {
    const stepAnchors = [...anchors, { field: 'steps' }, { entry: step.id }];
    for (const input of step.in) {
      const inputAnchors = [...stepAnchors, { field: 'in' }, { entry: input.id }];
      for (const src of input.source) {
        const why = unknown(src);
        if (why) report.errors.push({ document: wf.baseUri, anchors: [...inputAnchors, { value: src }], message: `step '${step.id}' input '${input.id}': source '${src}' ${why}` });
      }
      checkSinkTypes(stepSink(step, input, wf.baseUri, inputAnchors), sources, report);
    }
  }
  for (const output of wf.outputs) {
    const outputAnchors = [...anchors, { field: 'outputs' }, { entry: output.id }];
    for (const src of output.outputSource ?? []) {
      const why = unknown(src);
      if (why) report.errors.push({ document: wf.baseUri, anchors: [...outputAnchors, { value: src }], message: `output '${output.id}': outputSource '${src}' ${why}` });
    }
    checkSinkTypes({
      label: `output '${output.id}'`, name: output.id, port: output, sources: output.outputSource ?? [],
      linkMerge: output.linkMerge, pickValue: output.pickValue, valueFrom: false, usedByStep: false,
      document: wf.baseUri, anchors: outputAnchors,
    }, sources, report);
  }
  checkCycles(wf, anchors, report);
}

/** Why a source names nothing, in words that point at the fix. */
function unknownSource(wf: Workflow, src: string): string {
  const slash = src.indexOf('/');
  const step = slash >= 0 ? wf.steps.find((s) => s.id === src.slice(0, slash)) : undefined;
  if (step) return `names no output of step '${step.id}' (its out: ${step.out.map((o) => `'${o}'`).join(', ') || 'none'})`;
  return 'is neither a workflow input nor a step output';
}

/** A step input as a sink: its process's input of the same name (an array of it when scattered), or `Any` when the process has none. */
function stepSink(step: WorkflowStep, input: WorkflowStepInput, document: string, anchors: readonly Anchor[]): LinkSink {
  const declared = step.run.inputs.find((p) => p.id === input.id);
  const type: CwlType = declared === undefined ? 'Any' : step.scatter.includes(input.id) ? { type: 'array', items: declared.type } : declared.type;
  const port = declared === undefined ? { type, notConnected: true } : { type, ...(declared.secondaryFiles ? { secondaryFiles: declared.secondaryFiles } : {}) };
  return {
    label: `step '${step.id}' input '${input.id}'`, name: input.id, port, sources: input.source,
    linkMerge: input.linkMerge, pickValue: input.pickValue, valueFrom: input.valueFrom !== undefined,
    usedByStep: usedByStep(step, input.id), document, anchors,
  };
}

/** cwltool's used_by_step: another input's valueFrom or the step's `when` reads `inputs.<name>`. */
function usedByStep(step: WorkflowStep, name: string): boolean {
  const reads = (text: string | undefined): boolean => text !== undefined && text.includes(`inputs.${name}`);
  return step.in.some((i) => reads(i.valueFrom)) || reads(step.when);
}

/** Steps that wait for each other's outputs, however indirectly, can never start (cwltool's circular_dependency_checker). */
function checkCycles(wf: Workflow, anchors: readonly Anchor[], report: GraphReport): void {
  const ids = new Set(wf.steps.map((s) => s.id));
  // `step/out` names a step; a name without a slash is a workflow input, even one named like a step.
  const stepOf = (src: string): string[] => (src.includes('/') && ids.has(src.split('/')[0]!) ? [src.split('/')[0]!] : []);
  const waitsFor = new Map(wf.steps.map((s) => [s.id, new Set(s.in.flatMap((i) => i.source.flatMap(stepOf)))]));
  const left = unsettled(waitsFor);
  if (left.size === 0) return;
  // What is left waits on a cycle; without the steps that only wait on it (none waits for them), the cycle remains.
  const waitedFor = new Map<string, Set<string>>([...left].map((id) => [id, new Set<string>()]));
  for (const id of left) for (const d of waitsFor.get(id)!) if (left.has(d)) waitedFor.get(d)!.add(id);
  const cycle = wf.steps.filter((s) => unsettled(waitedFor).has(s.id));
  report.errors.push({
    document: wf.baseUri, anchors: [...anchors, { field: 'steps' }, { entry: cycle[0]!.id }],
    message: `the steps ${cycle.map((s) => `'${s.id}'`).join(', ')} wait for each other's outputs (a cycle): none of them can start`,
  });
}

/** The nodes of a dependency graph that are never settled when each settles once all it depends on have (Kahn's algorithm). */
function unsettled(dependsOn: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const waiting = new Map([...dependsOn].map(([id, deps]) => [id, deps.size]));
  const dependents = new Map<string, string[]>();
  for (const [id, deps] of dependsOn) for (const d of deps) {
    const list = dependents.get(d);
    if (list) list.push(id);
    else dependents.set(d, [id]);
  }
  const ready = [...waiting].filter(([, n]) => n === 0).map(([id]) => id);
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    waiting.delete(id);
    for (const next of dependents.get(id) ?? []) {
      const n = waiting.get(next)! - 1;
      waiting.set(next, n);
      if (n === 0) ready.push(next);
    }
  }
  return new Set(waiting.keys());
}

/** Turns a problem into its line: `file:line:column: message`, or `file: message` where its place is not found. */
function placer(readText: (uri: string) => Promise<string>): (problem: GraphProblem) => Promise<string> {
  const texts = new Map<string, Promise<string | undefined>>();
  return async (problem) => {
    let text = texts.get(problem.document);
    if (text === undefined) {
      text = readText(problem.document).catch(() => undefined);
      texts.set(problem.document, text);
    }
    const loaded = await text;
    const place = loaded === undefined ? undefined : locate(loaded, problem.anchors);
    const file = uriToPath(problem.document);
    return place ? `${file}:${place.line}:${place.column}: ${problem.message}` : `${file}: ${problem.message}`;
  };
}

function unique(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}
