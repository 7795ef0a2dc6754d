import type { ArrayType, CwlType, RecordType, SecondaryFileSchema, WorkflowStepInput } from '../model/types.js';
import { isPlainObject } from '../model/types.js';

/**
 * One end of a link in a workflow graph: a source (a workflow input, a step
 * output) or a sink (a step input, a workflow output), with the type it has
 * there (a scattered step's ports already wrapped in arrays).
 */
export interface Port {
  readonly type: CwlType;
  readonly secondaryFiles?: readonly SecondaryFileSchema[];
  /** A step input its process does not declare: it only feeds valueFrom or `when`. */
  readonly notConnected?: boolean;
}

/** Whether a link always fits (`pass`), may not (`warning`: cwltool runs it), or never can (`exception`: refused). */
export type LinkFit = 'pass' | 'warning' | 'exception';

export type LinkMerge = WorkflowStepInput['linkMerge'];

/**
 * cwltool's check_types (cwltool/checker.py), over bespin's model: valueFrom
 * replaces the value, so nothing is checked; linkMerge wraps the source in
 * the array it makes; otherwise a source fits when every type it can have
 * fits the sink (`pass`), when one of its non-null types does (`warning`:
 * an optional source into a required sink), else never (`exception`).
 */
export function linkFit(src: Port, sink: Port, linkMerge: LinkMerge, hasValueFrom: boolean): LinkFit {
  if (hasValueFrom) return 'pass';
  if (linkMerge !== undefined) return linkFit({ type: mergedType(src.type, linkMerge) }, { type: sink.type }, undefined, false);
  if (portAssignable(src, sink, true)) return 'pass';
  if (portAssignable(src, sink, false)) return 'warning';
  return 'exception';
}

/** What a source's type becomes once merged: merge_nested makes an array of it; merge_flattened too, unless it is one already. */
export function mergedType(type: CwlType, linkMerge: Exclude<LinkMerge, undefined>): CwlType {
  return linkMerge === 'merge_nested' ? { type: 'array', items: type } : flattened(type);
}

function flattened(type: CwlType): CwlType {
  if (Array.isArray(type)) return (type as readonly CwlType[]).map(flattened);
  if (isPlainObject(type) && type.type === 'array') return type;
  return { type: 'array', items: type };
}

/** A File parameter fits strictly only if the source declares every secondaryFiles entry the sink does. */
function portAssignable(src: Port, sink: Port, strict: boolean): boolean {
  if (sink.notConnected && strict) return false;
  if (src.type === 'File' && sink.type === 'File') {
    const have = src.secondaryFiles ?? [];
    // An entry without `required` is required (the default; an upgraded v1.0 pattern has none).
    const same = (a: SecondaryFileSchema, b: SecondaryFileSchema): boolean => a.pattern === b.pattern && (a.required ?? true) === (b.required ?? true);
    return !strict || (sink.secondaryFiles ?? []).every((s) => have.some((h) => same(h, s)));
  }
  return typeAssignable(src.type, sink.type, strict);
}

/** The secondaryFiles patterns the sink requires and the source does not declare: what a warning names. */
export function missingSecondaryFiles(src: Port, sink: Port): string[] {
  const have = new Set((src.secondaryFiles ?? []).map((s) => s.pattern));
  return (sink.secondaryFiles ?? []).filter((s) => s.required !== false && !have.has(s.pattern)).map((s) => s.pattern);
}

/**
 * cwltool's can_assign_src_to_sink: `Any` takes and gives anything; arrays
 * by their items; records field by field; enums with enums. A union source
 * fits strictly when each of its types fits, loosely when one non-null type
 * does; a union sink when the source fits one of its types. As in cwltool,
 * the branches of a union are compared loosely even in a strict check.
 */
export function typeAssignable(src: CwlType, sink: CwlType, strict: boolean): boolean {
  if (src === 'Any' || sink === 'Any') return true;
  if (isSchema(src) && isSchema(sink)) {
    if (src.type === 'array' && sink.type === 'array') return typeAssignable((src as ArrayType).items, (sink as ArrayType).items, strict);
    if (src.type === 'record' && sink.type === 'record') return recordsAssignable(src as RecordType, sink as RecordType, strict);
    return src.type === sink.type;
  }
  if (Array.isArray(src)) {
    const branches = src as readonly CwlType[];
    if (strict) return branches.every((b) => typeAssignable(b, sink, false));
    return branches.some((b) => b !== 'null' && typeAssignable(b, sink, false));
  }
  if (Array.isArray(sink)) return (sink as readonly CwlType[]).some((b) => typeAssignable(src, b, false));
  return src === sink;
}

function isSchema(type: CwlType): type is Exclude<CwlType, string | readonly CwlType[]> {
  return isPlainObject(type);
}

/** Every field of the sink record is fed by the source's field of the same name (a missing one is null). */
function recordsAssignable(src: RecordType, sink: RecordType, strict: boolean): boolean {
  return sink.fields.every((f) => typeAssignable(src.fields.find((s) => s.name === f.name)?.type ?? 'null', f.type, strict));
}
