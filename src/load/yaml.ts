import { constructFromEvents, EVENT_ID, parseEvents, YAMLException, type Event } from 'js-yaml';
import { ValidationError } from '../errors.js';
import { uriToPath } from './uri.js';
import { LoadLimitError, describeLimit, type SizeLimit } from './limits.js';

export interface ParsedYaml {
  readonly value: unknown;
  /**
   * The size the value would have written out without aliases, in bytes of
   * source text (about the size of its JSON); never more than the limit.
   */
  readonly bytes: number;
}

/**
 * Parses YAML (or JSON) text; a syntax error names the file, line and column.
 * Aliases share one object in the result, but whoever walks the value sees
 * each alias expanded, so a document whose aliases expand it past `limit` (a
 * "billion laughs") or that contains itself through an alias is refused, at
 * the line of the alias that goes too far.
 */
export function parseYaml(text: string, uri: string, limit: SizeLimit): ParsedYaml {
  const json = parseJson(text);
  if (json) return json;
  const filename = uriToPath(uri);
  try {
    const events = parseEvents(text, { filename });
    const bytes = expandedSize(events, text, filename, limit);
    const documents = constructFromEvents(events, { source: text, filename });
    // The same single-document rules as js-yaml's load().
    if (documents.length === 0) throw new YAMLException('expected a document, but the input is empty');
    if (documents.length > 1) throw new YAMLException('expected a single document in the stream, but found more');
    return { value: documents[0], bytes };
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark;
      const where = mark ? `${filename}:${mark.line + 1}:${mark.column + 1}` : filename;
      throw new ValidationError(`${where}: not valid YAML: ${error.reason}`);
    }
    throw error;
  }
}

/**
 * JSON (the usual form of large job files) parses several times faster and
 * in a fraction of the memory with JSON.parse; it has no aliases. Anything
 * that is not strict JSON goes to the YAML parser, for its messages.
 */
function parseJson(text: string): ParsedYaml | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) as unknown, bytes: text.length };
  } catch {
    return undefined;
  }
}

const OPEN = -1;

/**
 * The size of the documents in `events` with every alias replaced by its
 * anchor's node: each scalar counts its source length plus one, each
 * collection two. Throws once the size passes the limit, or at an alias of a
 * collection that is still open (a recursive alias: js-yaml would build a
 * cycle, which nothing downstream can walk).
 */
function expandedSize(events: readonly Event[], text: string, filename: string, limit: SizeLimit): number {
  let total = 0;
  let anchors = new Map<string, number>();
  const open: { anchor: string; start: number }[] = [];
  const anchorOf = (event: { anchorStart: number; anchorEnd: number }): string =>
    event.anchorStart < 0 ? '' : text.slice(event.anchorStart, event.anchorEnd);
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        anchors = new Map();
        open.push({ anchor: '', start: total });
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        const anchor = anchorOf(event);
        if (anchor) anchors.set(anchor, OPEN);
        open.push({ anchor, start: total });
        total += 2;
        break;
      }
      case EVENT_ID.POP: {
        const frame = open.pop();
        if (frame?.anchor) anchors.set(frame.anchor, total - frame.start);
        break;
      }
      case EVENT_ID.SCALAR: {
        const size = Math.max(0, event.valueEnd - event.valueStart) + 1;
        total += size;
        const anchor = anchorOf(event);
        if (anchor) anchors.set(anchor, size);
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(event.anchorStart, event.anchorEnd);
        const size = anchors.get(name);
        // An unknown alias is left to js-yaml's own error.
        if (size === OPEN) {
          throw new ValidationError(`${filename}:${lineAndColumn(text, event.anchorStart)}: the alias *${name} is inside the node it refers to (a recursive alias); refusing it`);
        }
        total += size ?? 0;
        if (total > limit.bytes) {
          throw new LoadLimitError(`${filename}:${lineAndColumn(text, event.anchorStart)}: YAML aliases expand the ${limit.what} to more than ${describeLimit(limit)}; refusing it`);
        }
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
