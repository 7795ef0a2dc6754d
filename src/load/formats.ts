import type { FileValue } from '../model/types.js';
import { ValidationError } from '../errors.js';

/**
 * What the engine knows of format ontologies: for each format IRI, the IRIs it
 * is declared a subclass of (rdfs:subClassOf) or equivalent to.
 */
export type Ontologies = ReadonlyMap<string, readonly string[]>;

export const NO_ONTOLOGIES: Ontologies = new Map();

/** Whether `actual` is `expected` or (transitively) a subclass/equivalent of it. */
export function formatMatches(actual: string, expected: string, ontologies: Ontologies): boolean {
  const seen = new Set<string>();
  const queue = [actual];
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (f === expected) return true;
    if (seen.has(f)) continue;
    seen.add(f);
    queue.push(...(ontologies.get(f) ?? []));
  }
  return false;
}

export function checkFormat(file: FileValue, allowed: unknown, ontologies: Ontologies, where: string): void {
  const list = (Array.isArray(allowed) ? allowed : [allowed]).filter((f): f is string => typeof f === 'string');
  if (list.length === 0 || file.format === undefined) return;
  if (list.some((f) => formatMatches(String(file.format), f, ontologies))) return;
  throw new ValidationError(`${where}: file ${file.basename ?? file.location} has format ${String(file.format)}, expected ${list.join(' or ')}`);
}
