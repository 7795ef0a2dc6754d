import type { Process } from '../model/types.js';
import { NO_ONTOLOGIES, type Ontologies } from '../build/formats.js';
import { fetchText } from './fetch.js';

/**
 * Reads the format ontologies named by `$schemas` (RDF/XML, such as EDAM)
 * into subclass/equivalence links, so that a file whose format is a subclass
 * of the expected one is accepted. Only what format checking needs is read.
 */
export async function loadOntologies(process: Process): Promise<Ontologies> {
  const uris = [...new Set(collectSchemas(process))];
  if (uris.length === 0) return NO_ONTOLOGIES;
  const links = new Map<string, string[]>();
  for (const uri of uris) {
    let text: string;
    try {
      text = await fetchText(uri);
    } catch {
      continue; // cwltool also only warns when an ontology cannot be read
    }
    parseRdfXml(text, links);
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

export function parseRdfXml(text: string, links: Map<string, string[]>): void {
  for (const block of text.matchAll(CLASS_BLOCK)) {
    const about = block[1]!;
    for (const link of block[2]!.matchAll(LINK)) {
      const list = links.get(about) ?? [];
      list.push(link[1]!);
      links.set(about, list);
    }
  }
}
