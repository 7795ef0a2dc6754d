import type { Process, WorkflowStep } from '../model/types.js';
import { applyOverrides, readOverrides } from '../load/overrides.js';
import { singleStep, targetWorkflow } from '../plan/target.js';
import { loadChecked } from './inspection.js';

/** What a run executes: the document's process, or the part of it --target / --single-step select. */
export interface SelectedProcess {
  readonly process: Process;
  /** --single-step: the workflow and step it runs in, whose requirements it inherits. */
  readonly enclosing?: { readonly workflow: Process; readonly step: WorkflowStep };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** Loads the document with --enable-ext's gate and --overrides applied, then --single-step or --target. */
export async function selectProcess(
  document: string, opts: Readonly<Record<string, unknown>>, signal: AbortSignal, where: string, warn: (message: string) => void,
): Promise<SelectedProcess> {
  let process = await loadChecked(document, opts, signal, warn);
  if (typeof opts.overrides === 'string') process = applyOverrides(process, await readOverrides(opts.overrides));
  if (typeof opts['single-step'] === 'string') {
    const step = singleStep(process, opts['single-step'], where);
    return { process: step.run, enclosing: { workflow: process, step } };
  }
  const targets = strings(opts.target);
  if (targets.length > 0) process = targetWorkflow(process, targets, where);
  return { process };
}

/** --preserve-environment VAR (repeatable) and --preserve-entire-environment: the engine's variables a tool sees. */
export function preservedEnvironment(opts: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  const names = opts['preserve-entire-environment'] ? Object.keys(env) : strings(opts['preserve-environment']);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.flatMap((n) => (env[n] === undefined ? [] : [[n, env[n]!] as const])));
}
