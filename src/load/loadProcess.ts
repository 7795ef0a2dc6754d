import type { CwlVersion, Process } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { DocumentCache, type SourceDocument } from './documentCache.js';
import { checkRequirementsSupported, normalizeProcess, type NormalizeContext } from './normalizeProcess.js';
import { fragmentOf, resolveUri, toUri, uriToPath } from './uri.js';
import { checkVersionFeatures, parseVersion } from './upgrade.js';
import { validateDocument } from '../validate/document.js';

export interface LoadOptions {
  readonly cache?: DocumentCache;
  /** Skip the schema check (used by tests of the normalizer alone). */
  readonly skipSchemaValidation?: boolean;
}

/**
 * Loads a process from a path or URI (`wf.cwl`, `wf.cwl#main`,
 * `https://host/tool.cwl`), with every `run` it references, validated and
 * normalized to the v1.2 model.
 */
export async function loadProcess(reference: string, options: LoadOptions = {}): Promise<Process> {
  const loader = new ProcessLoader(options.cache ?? new DocumentCache(), options.skipSchemaValidation ?? false);
  return loader.load(toUri(reference));
}

class ProcessLoader {
  readonly #validated = new Map<string, Promise<void>>();
  constructor(readonly cache: DocumentCache, readonly skipValidation: boolean) {}

  async load(uri: string, inherited?: NormalizeContext): Promise<Process> {
    const doc = await this.cache.load(uri);
    const where = uriToPath(doc.uri);
    const content = doc.content;
    if (!isPlainObject(content) || (content.class === undefined && !Array.isArray(content.$graph))) {
      throw new ValidationError(`${where}: not a CWL document (expected a mapping with 'class' and 'cwlVersion', or a '$graph')`);
    }
    if (content.cwlVersion === undefined && !inherited) throw new ValidationError(`${where}: not a CWL document: missing 'cwlVersion'`);
    checkRequirementsSupported(content, where);
    await this.#validate(doc);
    const fragment = fragmentOf(uri);
    const namespaces = (isPlainObject(content.$namespaces) ? content.$namespaces : {}) as Record<string, string>;
    if (Array.isArray(content.$graph)) {
      const version = parseVersion(content.cwlVersion, where);
      const graph = content.$graph;
      const pick = (frag: string): unknown => {
        const found = findInGraph(graph, frag);
        if (!found) throw new ValidationError(`${where}: no process '#${frag}' in $graph`);
        return found;
      };
      let chosen: unknown;
      if (fragment) chosen = pick(fragment);
      else if (graph.length === 1) chosen = graph[0];
      else chosen = pick('main');
      checkVersionFeatures(chosen, version, where);
      const ctx = this.#context(doc, version, namespaces, where, inherited, graph);
      return normalizeProcess(chosen, ctx);
    }
    if (content.class === undefined) throw new ValidationError(`${where}: not a CWL document: missing 'class'`);
    const version = parseVersion(content.cwlVersion ?? (inherited ? inherited.version : undefined), where);
    checkVersionFeatures(content, version, where);
    return normalizeProcess(content, this.#context(doc, version, namespaces, where, inherited, undefined));
  }

  #context(
    doc: SourceDocument, version: CwlVersion, namespaces: Record<string, string>, where: string,
    inherited: NormalizeContext | undefined, graph: unknown[] | undefined,
  ): NormalizeContext {
    return {
      baseUri: doc.uri,
      version,
      namespaces: { ...(inherited?.namespaces ?? {}), ...namespaces },
      schemas: [
        ...(inherited?.schemas ?? []),
        ...(isPlainObject(doc.content) && Array.isArray(doc.content.$schemas) ? doc.content.$schemas.map((s) => resolveUri(String(s), doc.uri)) : []),
      ],
      schemaDefs: inherited?.schemaDefs ?? new Map(),
      where,
      loadRun: async (reference, stepCtx) => {
        if (reference.startsWith('#') && graph) {
          const frag = reference.slice(1);
          const found = findInGraph(graph, frag);
          if (!found) throw new ValidationError(`${stepCtx.where}: 'run' names '${reference}', which is not in the $graph`);
          return normalizeProcess(found, stepCtx);
        }
        return this.load(resolveUri(reference, doc.uri), stepCtx);
      },
    };
  }

  #validate(doc: SourceDocument): Promise<void> {
    if (this.skipValidation) return Promise.resolve();
    let done = this.#validated.get(doc.uri);
    if (!done) {
      done = validateDocument(doc);
      this.#validated.set(doc.uri, done);
    }
    return done;
  }
}

/** The process in a `$graph` whose id is `#frag` (or `doc.cwl#frag`). */
function findInGraph(graph: readonly unknown[], frag: string): unknown {
  return graph.find((p) => isPlainObject(p) && typeof p.id === 'string' && (fragmentOf(p.id) || p.id.replace(/^#/, '')) === frag);
}
