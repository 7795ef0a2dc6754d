import path from 'node:path';
import { packDocument } from '../load/pack.js';
import { processesToValidate } from '../load/graphProcesses.js';
import { uriToPath } from '../files/uri.js';
import { processDot } from '../report/dot.js';
import { makeTemplate } from '../report/template.js';
import { toolUsage } from '../report/toolUsage.js';
import { asksToolHelp, loadChecked } from './inspection.js';

/** The actions that look at a document and run nothing: --validate, --pack, --print-dot, --make-template, `tool.cwl --help`. */
export interface InspectRequest {
  readonly document: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly toolInputs: readonly string[];
  readonly signal: AbortSignal;
  readonly write: (text: string) => void;
  /** Where the workflow graph check's warnings go. */
  readonly warn: (message: string) => void;
}

/**
 * Performs the inspection and returns the exit code; undefined when `--help`
 * turned out to be a value for a tool input named `help` (then the run goes
 * on). Errors are thrown as UserErrors for the CLI to report.
 */
export async function inspect(request: InspectRequest): Promise<number | undefined> {
  const { document, options, signal, write, warn } = request;
  if (options.pack) {
    write(`${JSON.stringify(await packDocument(document), null, 4)}\n`);
    return 0;
  }
  if (options.validate) {
    // A $graph without #main: every process in it is checked, as cwltool does.
    const references = await processesToValidate(document);
    for (const reference of references) {
      await loadChecked(reference, options, signal, warn);
      if (references.length > 1) write(`${reference} is valid CWL.\n`);
    }
    write(`${document} is valid CWL.\n`);
    return 0;
  }
  const tool = await loadChecked(document, options, signal, warn);
  const name = path.basename(uriToPath(document.split('#')[0]!));
  // An input really named `help` takes the flag as its value instead.
  const inspectFlag = Boolean(options['print-dot'] || options['make-template']);
  if (asksToolHelp(request.toolInputs) && !tool.inputs.some((p) => p.id === 'help' || p.id === 'h')) {
    write(toolUsage(tool, name));
    return 0;
  }
  if (!inspectFlag) return undefined;
  if (options['print-dot']) {
    write(processDot(tool, tool.id ? tool.id.split(/[#/]/).pop()! || name : name));
    return 0;
  }
  write(makeTemplate(tool.inputs));
  return 0;
}
