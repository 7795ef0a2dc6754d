import type { Process, Workflow } from '../model/types.js';

/** The workflow's step graph in Graphviz DOT, as `--print-dot` prints it. */
export function workflowDot(wf: Workflow): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['digraph workflow {', '  rankdir=LR;'];
  for (const p of wf.inputs) lines.push(`  ${q(p.id)} [shape=ellipse, style=filled, fillcolor="#94DDF4"];`);
  for (const p of wf.outputs) lines.push(`  ${q(`out:${p.id}`)} [label=${q(p.id)}, shape=ellipse, style=filled, fillcolor="#94DDF4"];`);
  for (const s of wf.steps) lines.push(`  ${q(s.id)} [shape=box, style=filled, fillcolor="#F3CEA1"${s.run.class === 'Workflow' ? ', peripheries=2' : ''}];`);
  const node = (source: string): string => source.split('/')[0]!;
  for (const s of wf.steps) {
    for (const input of s.in) for (const src of input.source) lines.push(`  ${q(node(src))} -> ${q(s.id)};`);
  }
  for (const p of wf.outputs) for (const src of p.outputSource ?? []) lines.push(`  ${q(node(src))} -> ${q(`out:${p.id}`)};`);
  lines.push('}');
  return `${[...new Set(lines)].join('\n')}\n`;
}

/**
 * `--print-dot` for any process: a workflow's step graph, or a single tool as
 * one step between its inputs and outputs (cwltool draws only workflows).
 */
export function processDot(process: Process, name: string): string {
  if (process.class === 'Workflow') return workflowDot(process);
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['digraph workflow {', '  rankdir=LR;'];
  for (const p of process.inputs) lines.push(`  ${q(p.id)} [shape=ellipse, style=filled, fillcolor="#94DDF4"];`);
  for (const p of process.outputs) lines.push(`  ${q(`out:${p.id}`)} [label=${q(p.id)}, shape=ellipse, style=filled, fillcolor="#94DDF4"];`);
  lines.push(`  ${q(name)} [shape=box, style=filled, fillcolor="#F3CEA1"];`);
  for (const p of process.inputs) lines.push(`  ${q(p.id)} -> ${q(name)};`);
  for (const p of process.outputs) lines.push(`  ${q(name)} -> ${q(`out:${p.id}`)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
