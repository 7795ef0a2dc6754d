/**
 * Splits a CWL string into literal text and `$(...)` / `${...}` expressions,
 * following cwltool's scanner (the de facto reference for concepts.md
 * "String interpolation"):
 *
 * - Inside an expression, nested delimiters of its own kind (parens for
 *   `$(`, braces for `${`) are counted and quoted strings ('...', "..." and
 *   `...`, with backslash escapes) are skipped, so
 *   `$(inputs.x + ")")` and `${ return {"a": 1}; }` scan correctly.
 * - Outside expressions (v1.1+ escaping), with 3-character lookahead:
 *   `\$(` and `\${` become a literal `$(` / `${`; `\\` becomes `\`; any other
 *   backslash is kept together with the character that follows it.
 * - An expression that is opened but never closed is an error.
 */
import { ExpressionError } from './errors.js';
import { parseParameterReference, type ParameterReference } from './parameterReference.js';

export interface ExpressionSegment {
  /** The full text, e.g. `$(inputs.x)` or `${ return 1; }`. */
  readonly source: string;
  /** `$(...)` is a JavaScript expression, `${...}` a function body. */
  readonly kind: 'expression' | 'body';
  /** The code between the delimiters. */
  readonly code: string;
  /** Set when a `$(...)` matches the parameter reference grammar. */
  readonly reference: ParameterReference | null;
}

export interface Template {
  /** Literal strings and expressions, in order. */
  readonly parts: readonly (string | ExpressionSegment)[];
  /** Set when the (possibly trimmed) text is exactly one expression. */
  readonly whole: ExpressionSegment | null;
}

/** cwltool only scans strings containing `$(` or `${`; others are returned as is. */
export function needsParsing(text: string): boolean {
  return text.includes('$(') || text.includes('${');
}

/** True when the text contains an unescaped `$(` or `${`. */
export function isExpression(text: string): boolean {
  if (!needsParsing(text)) return false;
  const end = text.length - 1;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      i++;
    } else if (c === 0x24 /* $ */) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x28 /* ( */ || next === 0x7b /* { */) return true;
    }
  }
  return false;
}

/**
 * Finds the end (exclusive) of the expression whose `$` is at `start`. Like
 * cwltool, only the expression's own delimiter is counted (parens in `$(`,
 * braces in `${`), so e.g. a regex `/\(/` inside `${...}` does not matter.
 */
function scanExpression(text: string, start: number): number {
  const open = text[start + 1];
  const close = open === '(' ? ')' : '}';
  let depth = 1;
  let quote = '';
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === open) {
      depth++;
    } else if (c === close) {
      if (--depth === 0) return i + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
    }
  }
  return -1;
}

export function parseTemplate(text: string): Template {
  const parts: (string | ExpressionSegment)[] = [];
  let literal = '';
  let i = 0;
  let chunkStart = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */ && i + 1 < length) {
      literal += text.slice(chunkStart, i);
      const next = text[i + 1];
      const third = text[i + 2];
      if (next === '$' && (third === '(' || third === '{')) {
        literal += `$${third}`;
        i += 3;
      } else if (next === '\\') {
        literal += '\\';
        i += 2;
      } else {
        literal += `\\${next}`;
        i += 2;
      }
      chunkStart = i;
    } else if (c === 0x24 /* $ */ && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const end = scanExpression(text, i);
      if (end < 0) {
        throw new ExpressionError(
          text,
          `unfinished expression starting at position ${i}: ${text.slice(i, i + 40)}`,
        );
      }
      literal += text.slice(chunkStart, i);
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(makeSegment(text.slice(i, end)));
      i = end;
      chunkStart = i;
    } else {
      i++;
    }
  }
  literal += text.slice(chunkStart);
  if (literal !== '') parts.push(literal);
  const only = parts.length === 1 ? parts[0]! : null;
  const whole = only !== null && typeof only !== 'string' && only.source.length === length ? only : null;
  return { parts, whole };
}

function makeSegment(source: string): ExpressionSegment {
  const kind = source[1] === '(' ? 'expression' : 'body';
  const code = source.slice(2, -1);
  const reference = kind === 'expression' ? parseParameterReference(code) : null;
  return { source, kind, code, reference };
}

const cache = new Map<string, Template | ExpressionError>();
const CACHE_LIMIT = 4096;

/** parseTemplate with a bounded cache (the same fields are evaluated per job). */
export function cachedTemplate(text: string): Template {
  let entry = cache.get(text);
  if (entry === undefined) {
    try {
      entry = parseTemplate(text);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      entry = error;
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(text, entry);
  }
  if (entry instanceof ExpressionError) throw new ExpressionError(entry.expression, entry.reason);
  return entry;
}
