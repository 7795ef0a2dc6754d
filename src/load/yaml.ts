import { constructFromEvents, EVENT_ID, parseEvents, YAMLException, type Event } from 'js-yaml';
import { ValidationError } from '../errors.js';
import { uriToPath } from '../files/uri.js';
import { LoadLimitError, NESTING_LIMIT, describeLimit, type SizeLimit } from './limits.js';
import { offsetPastNesting } from '../model/nesting.js';
import { EXACT_INTEGER_SCHEMA, markInexact, mayHoldInexactIntegers } from './exactIntegers.js';

export interface ParsedYaml {
  readonly value: unknown;
  /**
   * The size the value would have written out without aliases, in bytes of
   * source text (about the size of its JSON); never more than the limit.
   */
  readonly bytes: number;
}

export interface YamlOptions {
  /** Integers a number cannot hold exactly become InexactInteger (exactIntegers.ts), for the caller to refuse. */
  readonly markInexactIntegers?: boolean;
}

/**
 * Parses YAML (or JSON) text; a syntax error names the file, line and column.
 * Aliases share one object in the result, but whoever walks the value sees
 * each alias expanded, so a document whose aliases expand it past `limit` (a
 * "billion laughs") or that contains itself through an alias is refused, at
 * the line of the alias that goes too far; so is one nested more than
 * NESTING_LIMIT deep (aliases expanded), which every later walk relies on.
 */
export function parseYaml(text: string, uri: string, limit: SizeLimit, options: YamlOptions = {}): ParsedYaml {
  const filename = uriToPath(uri);
  const marking = options.markInexactIntegers === true && mayHoldInexactIntegers(text);
  const json = parseJson(text, filename, marking);
  if (json) return json;
  try {
    const events = parseEvents(text, { filename, maxDepth: NESTING_LIMIT });
    const bytes = expandedSize(events, text, filename, limit);
    const documents = constructFromEvents(events, { source: text, filename, ...(marking ? { schema: EXACT_INTEGER_SCHEMA } : {}) });
    // The same single-document rules as js-yaml's load().
    if (documents.length === 0) throw new YAMLException('expected a document, but the input is empty');
    if (documents.length > 1) throw new YAMLException('expected a single document in the stream, but found more');
    return { value: documents[0], bytes };
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark;
      const where = mark ? `${filename}:${mark.line + 1}:${mark.column + 1}` : filename;
      // js-yaml's own nesting limit, said as the JSON one is.
      throw new ValidationError(`${where}: ${/maxDepth/.test(error.reason) ? nestedTooDeep() : `not valid YAML: ${error.reason}`}`);
    }
    throw error;
  }
}

/**
 * JSON (the usual form of large job files) parses several times faster and
 * in a fraction of the memory with JSON.parse; it has no aliases. Anything
 * that is not strict JSON goes to the YAML parser, for its messages. JSON.parse
 * takes any depth, so the nesting limit is checked on the text.
 */
function parseJson(text: string, filename: string, marking: boolean): ParsedYaml | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = marking ? JSON.parse(text, markInexact as (key: string, value: unknown) => unknown) : JSON.parse(text);
  } catch {
    return undefined;
  }
  const tooDeep = offsetPastNesting(text);
  if (tooDeep >= 0) throw new ValidationError(`${filename}:${lineAndColumn(text, tooDeep)}: ${nestedTooDeep()}`);
  return { value, bytes: text.length };
}

function nestedTooDeep(): string {
  return `arrays and mappings nested more than ${NESTING_LIMIT} deep; refusing it`;
}

const OPEN = -1;

interface Frame {
  readonly anchor: string;
  readonly start: number;
  /** How many collections are open, this one included (0 for a document). */
  readonly level: number;
  /** The deepest level reached inside, aliases expanded. */
  deepest: number;
}

/**
 * The size of the documents in `events` with every alias replaced by its
 * anchor's node: each scalar counts its source length plus one, each
 * collection two. Throws once the size passes the limit, once an alias nests
 * its anchor's node past the nesting limit, or at an alias of a collection
 * that is still open (a recursive alias: js-yaml would build a cycle, which
 * nothing downstream can walk).
 */
function expandedSize(events: readonly Event[], text: string, filename: string, limit: SizeLimit): number {
  let total = 0;
  /** Per anchor: its node's size, and how many levels it nests (0 for a scalar). */
  let anchors = new Map<string, { size: number; height: number }>();
  const open: Frame[] = [];
  const anchorOf = (event: { anchorStart: number; anchorEnd: number }): string =>
    event.anchorStart < 0 ? '' : text.slice(event.anchorStart, event.anchorEnd);
  const at = (offset: number): string => `${filename}:${lineAndColumn(text, offset)}`;
  for (const event of events) {
    const top = open.at(-1);
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        anchors = new Map();
        open.push({ anchor: '', start: total, level: 0, deepest: 0 });
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        const anchor = anchorOf(event);
        if (anchor) anchors.set(anchor, { size: OPEN, height: 0 });
        const level = (top?.level ?? 0) + 1;
        open.push({ anchor, start: total, level, deepest: level });
        total += 2;
        break;
      }
      case EVENT_ID.POP: {
        const frame = open.pop();
        if (frame?.anchor) anchors.set(frame.anchor, { size: total - frame.start, height: frame.deepest - frame.level + 1 });
        const parent = open.at(-1);
        if (frame && parent) parent.deepest = Math.max(parent.deepest, frame.deepest);
        break;
      }
      case EVENT_ID.SCALAR: {
        const size = Math.max(0, event.valueEnd - event.valueStart) + 1;
        total += size;
        const anchor = anchorOf(event);
        if (anchor) anchors.set(anchor, { size, height: 0 });
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(event.anchorStart, event.anchorEnd);
        const anchored = anchors.get(name);
        // An unknown alias is left to js-yaml's own error.
        if (anchored?.size === OPEN) throw new ValidationError(`${at(event.anchorStart)}: the alias *${name} is inside the node it refers to (a recursive alias); refusing it`);
        total += anchored?.size ?? 0;
        if (total > limit.bytes) throw new LoadLimitError(`${at(event.anchorStart)}: YAML aliases expand the ${limit.what} to more than ${describeLimit(limit)}; refusing it`);
        const reach = (top?.level ?? 0) + (anchored?.height ?? 0);
        if (reach > NESTING_LIMIT) throw new ValidationError(`${at(event.anchorStart)}: the alias *${name} makes ${nestedTooDeep()}`);
        if (top) top.deepest = Math.max(top.deepest, reach);
        break;
      }
    }
  }
  return total;
}

/** `12:5`: the 1-based line and column of an offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

/** The 1-based line on which `key:` first appears, for pointing error messages at the source. */
export function lineOfKey(text: string, key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^[\\s-]*["']?${escaped}["']?\\s*:`, 'm').exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index).split('\n').length;
}
