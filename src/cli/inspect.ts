import path from 'node:path';
import { ValidationError } from '../errors.js';
import { documentDependencies } from '../load/dependencies.js';
import { packDocument } from '../load/pack.js';
import { processesToValidate } from '../load/graphProcesses.js';
import { uriToPath } from '../files/uri.js';
import { processDot } from '../report/dot.js';
import { processTargets } from '../report/targets.js';
import { makeTemplate } from '../report/template.js';
import { toolUsage } from '../report/toolUsage.js';
import type { DocumentOptions, InspectFlags } from './engineOptions.js';
import { asksToolHelp, loadChecked } from './inspection.js';

/** The actions that look at a document and run nothing: --validate, --pack, --print-dot, --print-targets, --print-deps, --make-template, `tool.cwl --help`. */
export interface InspectRequest {
  readonly document: string;
  /** The document as the command line named it (a job file naming it with cwl:tool), for --validate's verdict. */
  readonly shownAs?: string;
  readonly flags: InspectFlags;
  readonly loading: DocumentOptions;
  readonly toolInputs: readonly string[];
  readonly signal: AbortSignal;
  readonly write: (text: string) => void;
  /** Where the workflow graph check's warnings go. */
  readonly warn: (message: string) => void;
  /** --validate with a job file or `--input value`s: checks the job object too (as cwltool does), throwing a UserError. */
  readonly checkJob?: () => Promise<unknown>;
}

/**
 * Performs the inspection and returns the exit code; undefined when `--help`
 * turned out to be a value for a tool input named `help` (then the run goes
 * on). Errors are thrown as UserErrors for the CLI to report.
 */
export async function inspect(request: InspectRequest): Promise<number | undefined> {
  const { document, flags, loading, signal, write, warn } = request;
  if (flags.pack) {
    write(`${JSON.stringify(await packDocument(document, loading.limits), null, 4)}\n`);
    return 0;
  }
  if (flags.printDeps) {
    write(`${JSON.stringify(await documentDependencies(document, loading.limits), null, 4)}\n`);
    return 0;
  }
  if (flags.validate) {
    // A $graph without #main: every process in it is checked, as cwltool does.
    const references = await processesToValidate(document, loading.limits);
    for (const reference of references) {
      await loadChecked(reference, loading, signal, warn);
      if (references.length > 1) write(`${reference} is valid CWL.\n`);
    }
    if (request.checkJob) {
      await request.checkJob();
      write(`${request.shownAs ?? document} is valid CWL. No errors detected in the inputs.\n`);
      return 0;
    }
    write(`${request.shownAs ?? document} is valid CWL.\n`);
    return 0;
  }
  const tool = await loadChecked(document, loading, signal, warn);
  const name = path.basename(uriToPath(document.split('#')[0]!));
  // An input really named `help` takes the flag as its value instead.
  const inspectFlag = flags.printDot || flags.makeTemplate || flags.printTargets;
  if (asksToolHelp(request.toolInputs) && !tool.inputs.some((p) => p.id === 'help' || p.id === 'h')) {
    write(toolUsage(tool, name));
    return 0;
  }
  if (!inspectFlag) return undefined;
  if (flags.printTargets) {
    write(processTargets(tool));
    return 0;
  }
  if (flags.printDot) {
    // As cwltool: a graph of steps needs steps.
    if (tool.class !== 'Workflow') throw new ValidationError(`${name}: --print-dot draws a Workflow; this is a ${tool.class}`);
    write(processDot(tool, tool.id ? tool.id.split(/[#/]/).pop()! || name : name));
    return 0;
  }
  write(makeTemplate(tool.inputs));
  return 0;
}
