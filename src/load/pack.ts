import path from 'node:path';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { DocumentCache } from './documentCache.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { resolveLocations } from './locations.js';
import { fragmentOf, resolveUri, toUri, uriToPath, withoutFragment } from '../files/uri.js';

type Json = Record<string, unknown>;

/**
 * `--pack`: the document with every process its steps `run` by reference
 * inlined into one `$graph`, the top-level process as `#main` (as `cwltool
 * --pack` prints it). A document that references nothing is printed alone
 * with `id: '#main'`, as cwltool does. `$import`/`$include` are already
 * expanded by the document cache; File locations are made absolute so the
 * packed document can live anywhere.
 */
export async function packDocument(reference: string, limits: LoadLimits = DEFAULT_LIMITS): Promise<Json> {
  const packer = new Packer(new DocumentCache(limits));
  const uri = toUri(reference);
  const { process: main, version, namespaces } = await packer.process(uri, '#main');
  const graph = packer.graph;
  const allNamespaces = { ...packer.namespaces, ...namespaces };
  const extra = {
    ...(Object.keys(allNamespaces).length > 0 ? { $namespaces: allNamespaces } : {}),
    ...(packer.schemas.size > 0 ? { $schemas: [...packer.schemas] } : {}),
  };
  if (graph.length === 0) return { ...main, cwlVersion: version, ...extra };
  return { $graph: [...graph, main], cwlVersion: version, ...extra };
}

class Packer {
  readonly graph: Json[] = [];
  readonly namespaces: Record<string, string> = {};
  /** Every document's `$schemas` (format ontologies), made absolute. */
  readonly schemas = new Set<string>();
  /** Referenced process URI → its id in the $graph, so a process used twice is packed once. */
  readonly #ids = new Map<string, string>();

  constructor(readonly cache: DocumentCache) {}

  /** The process at `uri` (a document, or `doc#id` in a `$graph`), given `id`, with its steps' runs packed. */
  async process(uri: string, id: string): Promise<{ process: Json; version: unknown; namespaces: Json }> {
    const doc = await this.cache.load(uri);
    const content = doc.content;
    if (!isPlainObject(content)) throw new ValidationError(`${uriToPath(doc.uri)}: not a CWL document`);
    const chosen = Array.isArray(content.$graph) ? pickFromGraph(content.$graph, fragmentOf(uri), uriToPath(doc.uri)) : content;
    const { cwlVersion: _v, $namespaces: ns, $schemas: _s, $base: _b, ...rest } = structuredClone(chosen);
    if (Array.isArray(content.$schemas)) for (const schema of content.$schemas) this.schemas.add(resolveUri(String(schema), doc.uri));
    const process = resolveLocations({ ...rest, id }, doc.uri) as Json;
    await this.#packSteps(process, doc.uri);
    return { process, version: content.cwlVersion, namespaces: isPlainObject(content.$namespaces) ? content.$namespaces : isPlainObject(ns) ? ns : {} };
  }

  async #packSteps(process: Json, base: string): Promise<void> {
    const steps = Array.isArray(process.steps) ? process.steps : isPlainObject(process.steps) ? Object.values(process.steps) : [];
    for (const step of steps) {
      if (!isPlainObject(step)) continue;
      if (isPlainObject(step.run)) await this.#packSteps(step.run, base);
      else if (typeof step.run === 'string' && !step.run.startsWith('#')) step.run = await this.#reference(resolveUri(step.run, base));
    }
  }

  async #reference(uri: string): Promise<string> {
    const known = this.#ids.get(uri);
    if (known) return known;
    const base = path.posix.basename(withoutFragment(uri)) + (fragmentOf(uri) ? `#${fragmentOf(uri)}` : '');
    let id = `#${base}`;
    for (let n = 2; [...this.#ids.values()].includes(id) || id === '#main'; n++) id = `#${base}_${n}`;
    this.#ids.set(uri, id);
    const { process, namespaces } = await this.process(uri, id);
    Object.assign(this.namespaces, namespaces);
    this.graph.push(process);
    return id;
  }
}

function pickFromGraph(graph: readonly unknown[], fragment: string, where: string): Json {
  const want = fragment || 'main';
  const found = graph.find((p) => isPlainObject(p) && typeof p.id === 'string' && p.id.replace(/^#/, '') === want);
  if (isPlainObject(found)) return found;
  if (!fragment && graph.length === 1 && isPlainObject(graph[0])) return graph[0];
  throw new ValidationError(`${where}: no process '#${want}' in its $graph`);
}
