import type { Process } from '../model/types.js';
import { NO_ONTOLOGIES, type Ontologies } from './formats.js';
import { errorMessage } from '../errors.js';
import { fetchText } from './fetch.js';
import { DEFAULT_LIMITS, documentSizeLimit, type LoadLimits } from './limits.js';
import { hereOrInWorker } from './worker.js';

/**
 * Reads the format ontologies named by `$schemas` (RDF/XML, such as EDAM)
 * into subclass/equivalence links, so that a file whose format is a subclass
 * of the expected one is accepted. Only what format checking needs is read.
 * One that cannot be read is a warning naming it (as in cwltool), not an
 * error: formats are then compared without its links. A large one is read
 * and parsed in the load worker, so the engine's thread stays free.
 */
export async function loadOntologies(
  process: Process, warn: (message: string) => void, limits: LoadLimits = DEFAULT_LIMITS, signal?: AbortSignal,
): Promise<Ontologies> {
  const uris = [...new Set(collectSchemas(process))];
  if (uris.length === 0) return NO_ONTOLOGIES;
  const links = new Map<string, string[]>();
  for (const uri of uris) {
    let found: Map<string, string[]>;
    try {
      found = await hereOrInWorker({ kind: 'ontology', uri, limits }, signal, (here) => readOntology(uri, here));
    } catch (error) {
      if (signal?.aborted) throw error;
      warn(`cannot read the format ontology ${uri} ($schemas): ${errorMessage(error)}; formats are compared without it`);
      continue;
    }
    for (const [from, to] of found) for (const target of to) addLink(links, from, target);
  }
  return links;
}

/** One ontology's links, read within the document size limit. */
export async function readOntology(uri: string, limits: LoadLimits): Promise<Map<string, string[]>> {
  const text = await fetchText(uri, { limit: documentSizeLimit(limits) });
  const links = new Map<string, string[]>();
  parseOntologyText(text, links);
  return links;
}

/**
 * Adds the links of an ontology in Turtle or RDF/XML to `links`. The file is
 * the document's to choose, so every pattern here scans each character a
 * bounded number of times: time is linear in the file's size.
 */
export function parseOntologyText(text: string, links: Map<string, string[]>): void {
  // [ \t]*, not \s*: from every line start, \s* would scan all the blank lines after it.
  if (/^[ \t]*@prefix/m.test(text)) parseTurtle(text, links);
  else parseRdfXml(text, links);
}

function collectSchemas(process: Process): string[] {
  const out = [...process.schemas];
  if (process.class === 'Workflow') for (const s of process.steps) out.push(...collectSchemas(s.run));
  return out;
}

/** An `<owl:Class rdf:about="...">` start tag, tried only where `<owl:Class` is. */
const CLASS_START = /<owl:Class\s+rdf:about="([^"]+)"\s*>/y;
const CLASS_END = '</owl:Class>';
const LINK = /<(?:rdfs:subClassOf|owl:equivalentClass)\s+rdf:resource="([^"]+)"\s*\/>/g;

function addLink(links: Map<string, string[]>, from: string, to: string): void {
  const list = links.get(from) ?? [];
  list.push(to);
  links.set(from, list);
}

/**
 * Each `<owl:Class rdf:about>` block, up to the first `</owl:Class>` after it,
 * with its subclass and equivalence links. Blocks are found with indexOf, so
 * an unclosed one ends the search instead of being scanned to the end again
 * from every later start tag.
 */
export function parseRdfXml(text: string, links: Map<string, string[]>): void {
  for (let at = text.indexOf('<owl:Class'); at >= 0; at = text.indexOf('<owl:Class', at)) {
    CLASS_START.lastIndex = at;
    const start = CLASS_START.exec(text);
    if (!start) {
      at += 1;
      continue;
    }
    const end = text.indexOf(CLASS_END, CLASS_START.lastIndex);
    if (end < 0) return;
    const about = start[1]!;
    for (const link of text.slice(CLASS_START.lastIndex, end).matchAll(LINK)) {
      addLink(links, about, link[1]!);
      // Equivalence goes both ways.
      if (link[0].includes('equivalentClass')) addLink(links, link[1]!, about);
    }
    at = end + CLASS_END.length;
  }
}

/**
 * Turtle's tokens as format ontologies use them: an IRI (which cannot hold
 * `<`, `>` or a space, so no scan passes the next one), a word, or any other
 * character.
 */
const TOKEN = /<[^<>\s]*>|[^<>\s]+|\S/g;
const TERM = /^(?:<[^>]*>|[\w-]*:[\w.-]*)$/;
const PREDICATES = new Set(['rdfs:subClassOf', 'owl:equivalentClass']);

/**
 * The subset of Turtle that format ontologies use: `@prefix` lines and simple
 * triples (`subject predicate object .`), read from a stream of tokens.
 */
export function parseTurtle(text: string, links: Map<string, string[]>): void {
  const prefixes = new Map<string, string>();
  const expand = (term: string): string => {
    if (term.startsWith('<')) return term.slice(1, -1);
    const colon = term.indexOf(':');
    return (prefixes.get(term.slice(0, colon)) ?? '') + term.slice(colon + 1);
  };
  // The statement's last three tokens, and how many it had.
  const last: string[] = [];
  let count = 0;
  const end = (): void => {
    const [a, b, c] = last;
    if (count === 3 && a === '@prefix' && /^[\w-]*:$/.test(b!) && c!.startsWith('<')) prefixes.set(b!.slice(0, -1), c!.slice(1, -1));
    else if (c !== undefined && PREDICATES.has(b!) && TERM.test(a!) && TERM.test(c)) {
      addLink(links, expand(a!), expand(c));
      if (b === 'owl:equivalentClass') addLink(links, expand(c), expand(a!));
    }
    last.length = 0;
    count = 0;
  };
  const push = (token: string): void => {
    if (last.push(token) > 3) last.shift();
    count++;
  };
  for (const [token] of text.matchAll(TOKEN)) {
    if (token === '.') end();
    else if (token.length > 1 && token.endsWith('.') && !token.startsWith('<')) {
      // `edam:format_1.`: a local name never ends with a dot, so this one ends the statement.
      push(token.slice(0, -1));
      end();
    } else push(token);
  }
}
