import type { Process } from '../model/types.js';
import { NO_ONTOLOGIES, type Ontologies } from '../build/formats.js';

/** Format ontologies named by `$schemas` (not loaded yet: formats must match exactly). */
export async function loadOntologies(_process: Process): Promise<Ontologies> {
  return NO_ONTOLOGIES;
}
