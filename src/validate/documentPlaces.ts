/**
 * Where something is in a document's text, found again from the names that
 * lead to it. The loader keeps no positions (documents are parsed, `$import`ed,
 * upgraded and normalized, some in a worker), so an error about the graph
 * finds its place the way a reader would: the step, then its `in`, then the
 * input, then the value, each looked for only inside the block of the one
 * before it (the lines indented under it, in YAML and in pretty-printed JSON).
 */

/** One name on the way to a place in a document. */
export type Anchor =
  /** A key (`s1:`, `"s1":`) or a list entry's id (`- id: s1`, `"id": "#main/s1"`). */
  | { readonly entry: string }
  /** A key only (`in:`, `out:`, `run:`). */
  | { readonly field: string }
  /** A value, written as it is or at the end of a longer id (`a/typo` in `#main/a/typo`). */
  | { readonly value: string };

export interface Place {
  readonly line: number;
  readonly column: number;
}

interface Found {
  /** Offset of the name's first character. */
  readonly at: number;
  /** The end of the block under it: what the next anchor is looked for in. */
  readonly end: number;
}

/**
 * The 1-based line and column of the last anchor found, following them in
 * order; undefined when not even the first is found. A later anchor that is
 * not found leaves the place at the one before it (the step, say).
 */
export function locate(text: string, anchors: readonly Anchor[]): Place | undefined {
  let scope: Found = { at: 0, end: text.length };
  let found: Found | undefined;
  for (const anchor of anchors) {
    const next = find(text, anchor, scope);
    if (next === undefined) break;
    found = next;
    scope = next;
  }
  return found === undefined ? undefined : placeOf(text, found.at);
}

function escaped(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function find(text: string, anchor: Anchor, scope: Found): Found | undefined {
  if ('value' in anchor) {
    const match = matches(text, new RegExp(`(?<![\\w.-])${escaped(anchor.value)}(?![\\w.-])`, 'g'), scope)[0];
    return match === undefined ? undefined : { at: match, end: scope.end };
  }
  const name = escaped('entry' in anchor ? anchor.entry : anchor.field);
  const keys = matches(text, new RegExp(`(?<=^|[\\s{,])(["']?)${name}\\1\\s*:(?=\\s|$|[[{"'])`, 'gm'), scope);
  const ids = 'entry' in anchor
    ? matches(text, new RegExp(`(?<=^|[\\s{,])(["']?)id\\1\\s*:\\s*["']?(?:[^\\s"',{}]*[#/])?${name}["']?(?=\\s*(?:$|[,}]))`, 'gm'), scope)
    : [];
  const key = shallowest(text, keys);
  const id = shallowest(text, ids);
  if (key === undefined && id === undefined) return undefined;
  if (id === undefined || (key !== undefined && depthOf(text, key) <= depthOf(text, id))) {
    // A key's block: the lines indented deeper than the key.
    return { at: key!, end: blockEnd(text, key!, columnOf(text, key!) + 1, scope.end) };
  }
  // A list entry's block: its sibling keys, at the id's own column, and what is under them.
  return { at: id, end: blockEnd(text, id, columnOf(text, id), scope.end) };
}

/** The offsets where `pattern` matches inside the scope. */
function matches(text: string, pattern: RegExp, scope: Found): number[] {
  const found: number[] = [];
  pattern.lastIndex = scope.at;
  for (let m = pattern.exec(text); m !== null && m.index < scope.end; m = pattern.exec(text)) found.push(m.index);
  return found;
}

/**
 * The match least indented (the first of those): a step's own `in` rather
 * than one of a workflow written inline in its `run` before it.
 */
function shallowest(text: string, offsets: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const offset of offsets) if (best === undefined || depthOf(text, offset) < depthOf(text, best)) best = offset;
  return best;
}

/** How deep the line of `offset` is indented (a list item's `- ` counts as indentation, as its keys line up after it). */
function depthOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t-]*/.exec(text.slice(start, offset))![0].length;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** The end of the lines after `from`'s line indented at least `indent` (blank and comment lines do not end it), within `limit`. */
function blockEnd(text: string, from: number, indent: number, limit: number): number {
  let lineEnd = text.indexOf('\n', from);
  while (lineEnd >= 0 && lineEnd < limit) {
    const start = lineEnd + 1;
    const next = text.indexOf('\n', start);
    const line = text.slice(start, next < 0 ? text.length : next);
    const content = line.trimStart();
    if (content !== '' && !content.startsWith('#') && line.length - content.length < indent) return start;
    lineEnd = next;
  }
  return limit;
}

function placeOf(text: string, offset: number): Place {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
