import type { CwlType, WorkflowStepInput } from '../model/types.js';
import { describeType } from '../model/typeMatch.js';
import type { Anchor } from './documentPlaces.js';
import { linkFit, mergedType, missingSecondaryFiles, type LinkMerge, type Port } from './linkTypes.js';

/** A problem found in a workflow graph, and the names that lead to its place in the document. */
export interface GraphProblem {
  readonly message: string;
  /** URI of the document it is in. */
  readonly document: string;
  readonly anchors: readonly Anchor[];
}

export interface GraphReport {
  /** What cwltool refuses: the workflow never runs. */
  readonly errors: GraphProblem[];
  /** What cwltool warns about and runs. */
  readonly warnings: GraphProblem[];
}

/** A value a link can start from: a workflow input, or a step output (`step/out`). */
export interface LinkSource {
  readonly port: Port;
  /** From a step with `when`: it may give null. */
  readonly conditional: boolean;
}

/** Where a link ends: a step input, or a workflow output. */
export interface LinkSink {
  /** `step 's2' input 'x'`, `output 'o'`: how messages name it. */
  readonly label: string;
  readonly name: string;
  readonly port: Port;
  readonly sources: readonly string[];
  readonly linkMerge: LinkMerge;
  readonly pickValue: WorkflowStepInput['pickValue'];
  readonly valueFrom: boolean;
  /** Whether another input's valueFrom or the step's `when` reads it: then it need not be an input of the process. */
  readonly usedByStep: boolean;
  readonly document: string;
  readonly anchors: readonly Anchor[];
}

/**
 * The type checks of one sink against its sources, as cwltool's
 * _check_all_types: several sources are merged (merge_nested unless said
 * otherwise) unless pickValue picks one of them; one source from a
 * conditional step may be null. Sources that name nothing were reported
 * already and are skipped here.
 */
export function checkSinkTypes(sink: LinkSink, sources: ReadonlyMap<string, LinkSource>, report: GraphReport): void {
  const picksOne = sink.pickValue === 'first_non_null' || sink.pickValue === 'the_only_non_null';
  const linkMerge = picksOne ? undefined : sink.linkMerge ?? (sink.sources.length > 1 ? 'merge_nested' : undefined);
  const at = { document: sink.document, anchors: sink.anchors };
  for (const name of sink.sources) {
    const source = sources.get(name);
    if (source === undefined) continue;
    let port = source.port;
    let conditionalWarning = false;
    if (source.conditional && sink.sources.length > 1 && sink.pickValue === undefined) {
      report.warnings.push({ ...at, message: `${sink.label}: source '${name}' is from a conditional step, but pickValue is not used` });
      conditionalWarning = true;
    } else if (source.conditional && sink.sources.length === 1) {
      port = { ...port, type: withNull(port.type) };
      if (!sink.valueFrom && !hasNull(sink.port.type)) {
        report.warnings.push({ ...at, message: `${sink.label}: source '${name}' is from a conditional step and may produce null` });
        conditionalWarning = true;
      }
    }
    const fit = linkFit(port, sink.port, linkMerge, sink.valueFrom);
    if (fit === 'exception') report.errors.push({ ...at, message: linkMessage(sink, name, port, linkMerge, 'is incompatible') });
    if (fit === 'warning' && !conditionalWarning) {
      const message = fitWarning(sink, name, port, linkMerge);
      if (message !== undefined) report.warnings.push({ ...at, message });
    }
  }
}

/** cwltool's three kinds of "may not fit": secondaryFiles the sink requires, an input the process lacks, an optional or wider type. */
function fitWarning(sink: LinkSink, name: string, port: Port, linkMerge: LinkMerge): string | undefined {
  const missing = missingSecondaryFiles(port, sink.port);
  if (missing.length > 0) {
    return `${sink.label} requires secondaryFiles ${missing.map((p) => `'${p}'`).join(', ')}, but source '${name}' does not declare them`;
  }
  if (sink.port.notConnected) {
    return sink.usedByStep ? undefined : `${sink.label} is not an input of the step's process: its value is not passed on`;
  }
  return linkMessage(sink, name, port, linkMerge, 'may be incompatible');
}

function linkMessage(sink: LinkSink, name: string, port: Port, linkMerge: LinkMerge, verdict: string): string {
  const merged = linkMerge !== undefined ? `, merged by ${linkMerge} into ${describeType(mergedType(port.type, linkMerge))},` : '';
  const picked = sink.pickValue !== undefined ? ` (pickValue ${sink.pickValue})` : '';
  return `${sink.label}: source '${name}' of type ${describeType(port.type)}${merged} ${verdict} with sink '${sink.name}' of type ${describeType(sink.port.type)}${picked}`;
}

function hasNull(type: CwlType): boolean {
  return type === 'null' || (Array.isArray(type) && type.includes('null'));
}

function withNull(type: CwlType): CwlType {
  if (hasNull(type)) return type;
  return Array.isArray(type) ? ['null', ...(type as readonly CwlType[])] : ['null', type];
}
