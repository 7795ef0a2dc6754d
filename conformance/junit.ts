/**
 * A small reader for the JUnit XML that cwltest writes (through the Python
 * `junit_xml` package): `testsuites > testsuite > testcase`, where a testcase
 * may hold `failure`, `error`, `skipped`, `system-out` and `system-err`.
 * It understands just enough XML for that: elements, attributes, text,
 * CDATA, comments, declarations and the predefined/numeric entities.
 */

export type JUnitOutcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface JUnitCase {
  /** Every attribute of the `testcase` element, entity-decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly outcome: JUnitOutcome;
  /** The `message` attribute or, failing that, the text of the outcome element. */
  readonly message?: string;
}

export class JUnitParseError extends Error {
  override readonly name = 'JUnitParseError';
  constructor(message: string, readonly offset: number) {
    super(`${message} (at offset ${offset})`);
  }
}

const OUTCOME_RANK: Readonly<Record<JUnitOutcome, number>> = { passed: 0, skipped: 1, failed: 2, error: 3 };
const OUTCOME_ELEMENTS: ReadonlyMap<string, JUnitOutcome> = new Map<string, JUnitOutcome>([
  ['failure', 'failed'],
  ['error', 'error'],
  ['skipped', 'skipped'],
]);

interface OpenCase {
  attributes: Record<string, string>;
  outcome: JUnitOutcome;
  message?: string;
}

interface OpenOutcome {
  outcome: JUnitOutcome;
  message?: string;
  text: string;
}

/** Parses a JUnit XML document into its test cases, in document order. */
export function parseJUnit(xml: string): JUnitCase[] {
  return new JUnitReader(xml).read();
}

/** One walk through a document: the open elements, the open testcase and its open outcome element. */
class JUnitReader {
  readonly #cases: JUnitCase[] = [];
  readonly #stack: string[] = [];
  #current: OpenCase | undefined;
  #outcome: OpenOutcome | undefined;

  constructor(readonly xml: string) {}

  read(): JUnitCase[] {
    const xml = this.xml;
    let pos = 0;
    while (pos < xml.length) {
      const lt = xml.indexOf('<', pos);
      const textEnd = lt === -1 ? xml.length : lt;
      if (this.#outcome !== undefined && textEnd > pos) this.#outcome.text += decodeEntities(xml.slice(pos, textEnd));
      if (lt === -1) break;
      pos = this.#markup(lt);
    }
    if (this.#stack.length > 0) throw new JUnitParseError(`unclosed <${this.#stack.at(-1)}>`, xml.length);
    return this.#cases;
  }

  /** Reads the markup that starts at `lt`; returns the offset after it. */
  #markup(lt: number): number {
    const xml = this.xml;
    if (xml.startsWith('<!--', lt)) return skipPast(xml, '-->', lt);
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end === -1) throw new JUnitParseError('unterminated CDATA section', lt);
      if (this.#outcome !== undefined) this.#outcome.text += xml.slice(lt + 9, end);
      return end + 3;
    }
    if (xml.startsWith('<?', lt)) return skipPast(xml, '?>', lt);
    if (xml.startsWith('<!', lt)) return skipPast(xml, '>', lt);
    if (xml.startsWith('</', lt)) return this.#endTag(lt);
    return this.#startTag(lt);
  }

  #endTag(lt: number): number {
    const end = this.xml.indexOf('>', lt);
    if (end === -1) throw new JUnitParseError('unterminated end tag', lt);
    const name = this.xml.slice(lt + 2, end).trim();
    if (this.#stack.pop() !== name) throw new JUnitParseError(`unexpected </${name}>`, lt);
    if (name === 'testcase') this.#closeCase();
    else if (OUTCOME_ELEMENTS.has(name) && this.#stack.at(-1) === 'testcase') this.#closeOutcome();
    return end + 1;
  }

  #startTag(lt: number): number {
    const end = findTagEnd(this.xml, lt);
    const selfClosing = this.xml[end - 1] === '/';
    const body = this.xml.slice(lt + 1, selfClosing ? end - 1 : end);
    const name = /^[^\s/>]+/.exec(body)?.[0];
    if (name === undefined) throw new JUnitParseError('element without a name', lt);
    const attributes = parseAttributes(body.slice(name.length));
    if (name === 'testcase') {
      if (this.#current !== undefined) throw new JUnitParseError('nested <testcase>', lt);
      this.#current = { attributes, outcome: 'passed' };
      if (selfClosing) this.#closeCase();
      else this.#stack.push(name);
    } else {
      this.#openOutcome(name, attributes);
      if (selfClosing) this.#closeOutcome();
      else this.#stack.push(name);
    }
    return end + 1;
  }

  #openOutcome(name: string, attributes: Record<string, string>): void {
    const kind = OUTCOME_ELEMENTS.get(name);
    if (this.#current === undefined || kind === undefined || this.#stack.at(-1) !== 'testcase') return;
    this.#outcome = { outcome: kind, text: '', ...(attributes['message'] !== undefined ? { message: attributes['message'] } : {}) };
  }

  #closeOutcome(): void {
    const current = this.#current;
    const outcome = this.#outcome;
    if (current === undefined || outcome === undefined) return;
    if (OUTCOME_RANK[outcome.outcome] >= OUTCOME_RANK[current.outcome]) {
      current.outcome = outcome.outcome;
      const message = outcome.message ?? (outcome.text.trim() || undefined);
      if (message !== undefined) current.message = message;
      else delete current.message;
    }
    this.#outcome = undefined;
  }

  #closeCase(): void {
    if (this.#current === undefined) return;
    const { attributes, outcome, message } = this.#current;
    this.#cases.push({ attributes, outcome, ...(message !== undefined ? { message } : {}) });
    this.#current = undefined;
  }
}

function skipPast(xml: string, terminator: string, from: number): number {
  const end = xml.indexOf(terminator, from);
  if (end === -1) throw new JUnitParseError(`missing ${terminator}`, from);
  return end + terminator.length;
}

/** Index of the `>` closing the start tag at `from`, skipping quoted attribute values. */
function findTagEnd(xml: string, from: number): number {
  let quote: string | undefined;
  for (let i = from + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  throw new JUnitParseError('unterminated start tag', from);
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = m[1]!;
    if (name === '__proto__') continue;
    attributes[name] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return attributes;
}

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return NAMED_ENTITIES.get(ref) ?? whole;
  });
}
