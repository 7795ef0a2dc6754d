import type { Process } from '../model/types.js';
import { NO_ONTOLOGIES, type Ontologies } from './formats.js';
import { errorMessage } from '../errors.js';
import { fetchText } from './fetch.js';
import { documentSizeLimit, limitsFromEnv, type LoadLimits } from './limits.js';

/**
 * Reads the format ontologies named by `$schemas` (RDF/XML, such as EDAM)
 * into subclass/equivalence links, so that a file whose format is a subclass
 * of the expected one is accepted. Only what format checking needs is read.
 * One that cannot be read is a warning naming it (as in cwltool), not an
 * error: formats are then compared without its links.
 */
export async function loadOntologies(process: Process, warn: (message: string) => void, limits: LoadLimits = limitsFromEnv()): Promise<Ontologies> {
  const uris = [...new Set(collectSchemas(process))];
  if (uris.length === 0) return NO_ONTOLOGIES;
  const links = new Map<string, string[]>();
  for (const uri of uris) {
    let text: string;
    try {
      text = await fetchText(uri, { limit: documentSizeLimit(limits) });
    } catch (error) {
      warn(`cannot read the format ontology ${uri} ($schemas): ${errorMessage(error)}; formats are compared without it`);
      continue;
    }
    if (/^\s*@prefix/m.test(text)) parseTurtle(text, links);
    else parseRdfXml(text, links);
  }
  return links;
}

function collectSchemas(process: Process): string[] {
  const out = [...process.schemas];
  if (process.class === 'Workflow') for (const s of process.steps) out.push(...collectSchemas(s.run));
  return out;
}

const CLASS_BLOCK = /<owl:Class\s+rdf:about="([^"]+)"\s*>([\s\S]*?)<\/owl:Class>/g;
const LINK = /<(?:rdfs:subClassOf|owl:equivalentClass)\s+rdf:resource="([^"]+)"\s*\/>/g;

function addLink(links: Map<string, string[]>, from: string, to: string): void {
  const list = links.get(from) ?? [];
  list.push(to);
  links.set(from, list);
}

export function parseRdfXml(text: string, links: Map<string, string[]>): void {
  for (const block of text.matchAll(CLASS_BLOCK)) {
    const about = block[1]!;
    for (const link of block[2]!.matchAll(LINK)) {
      addLink(links, about, link[1]!);
      // Equivalence goes both ways.
      if (link[0].includes('equivalentClass')) addLink(links, link[1]!, about);
    }
  }
}

/** The subset of Turtle that format ontologies use: `@prefix` lines and simple triples. */
export function parseTurtle(text: string, links: Map<string, string[]>): void {
  const prefixes = new Map<string, string>();
  for (const m of text.matchAll(/@prefix\s+([\w-]*):\s*<([^>]*)>\s*\./g)) prefixes.set(m[1]!, m[2]!);
  const expand = (term: string): string => {
    if (term.startsWith('<')) return term.slice(1, -1);
    const colon = term.indexOf(':');
    return (prefixes.get(term.slice(0, colon)) ?? '') + term.slice(colon + 1);
  };
  const TERM = String.raw`(<[^>]*>|[\w-]*:[\w.-]*)`;
  const triple = new RegExp(String.raw`${TERM}\s+(rdfs:subClassOf|owl:equivalentClass)\s+${TERM}\s*\.`, 'g');
  for (const m of text.matchAll(triple)) {
    const subject = expand(m[1]!);
    const object = expand(m[3]!);
    addLink(links, subject, object);
    if (m[2] === 'owl:equivalentClass') addLink(links, object, subject);
  }
}
