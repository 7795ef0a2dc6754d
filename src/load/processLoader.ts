import type { CwlVersion, Process } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { DocumentCache, type SourceDocument } from './documentCache.js';
import { checkRequirementsSupported, normalizeProcess, type NormalizeContext } from './normalizeProcess.js';
import { fragmentOf, resolveUri, uriToPath, withoutFragment } from '../files/uri.js';
import { checkVersionFeatures, parseVersion } from './upgrade.js';
import { LoadLimitError, type LoadLimits } from './limits.js';
import { openValidationCache, validateDocument } from './documentSchema.js';
import type { ValidationCache } from './validationCache.js';
import type { LoadGuard } from './guard.js';

export interface ReadOptions {
  /** Skip the schema check (used by tests of the normalizer alone). */
  readonly skipSchemaValidation?: boolean;
  /** Checked between documents: stops on an abort, or when loading in this thread takes too long. */
  readonly guard?: LoadGuard;
  /** Where schema verdicts are remembered between runs; absent: every document is checked. */
  readonly validationCacheDir?: string | undefined;
  /** --non-strict: fields the schema does not name are warnings sent here, not errors (validateDocument). */
  readonly onUnknownField?: ((warning: string) => void) | undefined;
}

/**
 * Loads a process from a URI (`file:///x/wf.cwl`, `…/wf.cwl#main`,
 * `https://host/tool.cwl`), with every `run` it references, validated and
 * normalized to the v1.2 model, in this thread (loadProcess decides which).
 */
export function readProcess(uri: string, limits: LoadLimits, options: ReadOptions = {}): Promise<Process> {
  const cache = new DocumentCache(limits, options.guard);
  const skip = options.skipSchemaValidation ?? false;
  // Opened once per load: its key covers the checker's own code, read from disk.
  const verdicts = skip || options.validationCacheDir === undefined ? undefined : openValidationCache(options.validationCacheDir);
  return new ProcessLoader(cache, limits, skip, options.guard, verdicts, options.onUnknownField).load(uri);
}

class ProcessLoader {
  readonly #validated = new Map<string, Promise<void>>();
  /** Processes loaded by reference so far: each `run` is normalized anew, so a diamond of them doubles at each level. */
  #references = 0;
  #rootUri = '';
  constructor(
    readonly cache: DocumentCache, readonly limits: LoadLimits, readonly skipValidation: boolean, readonly guard?: LoadGuard,
    readonly verdicts?: ValidationCache, readonly onUnknownField?: (warning: string) => void,
  ) {}

  async load(uri: string, inherited?: NormalizeContext): Promise<Process> {
    this.#count(uri);
    const doc = await this.cache.load(uri);
    this.guard?.check();
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
      else if (findInGraph(graph, 'main')) chosen = pick('main');
      else {
        // cwltool's answer: name one of them (exit 1).
        throw new ValidationError(`${where}: its $graph has several processes and no '#main'; name one: ${graphIds(graph).map((id) => `${where}#${id}`).join(', ')}`);
      }
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
      depth: inherited?.depth ?? 0,
      root: inherited?.root ?? where,
      loadRun: async (reference, stepCtx) => {
        if (reference.startsWith('#') && graph) {
          const frag = reference.slice(1);
          const found = findInGraph(graph, frag);
          if (!found) throw new ValidationError(`${stepCtx.where}: 'run' names '${reference}', which is not in the $graph`);
          this.#count(doc.uri);
          return normalizeProcess(found, stepCtx);
        }
        return this.load(resolveUri(reference, doc.uri), stepCtx);
      },
    };
  }

  /** Counts one process loaded by reference (the first is the top-level one, whose document names the error). */
  #count(uri: string): void {
    this.guard?.check();
    if (this.#references++ === 0) this.#rootUri = uri;
    if (this.#references > this.limits.runReferences + 1) {
      throw new LoadLimitError(`${uriToPath(withoutFragment(this.#rootUri))}: more than ${this.limits.runReferences} 'run' references to load (the limit; the last was to ${uriToPath(withoutFragment(uri))}): its workflows reuse documents too often to expand; refusing it`);
    }
  }

  #validate(doc: SourceDocument): Promise<void> {
    if (this.skipValidation) return Promise.resolve();
    let done = this.#validated.get(doc.uri);
    if (!done) {
      done = validateDocument(doc, this.verdicts, this.onUnknownField);
      this.#validated.set(doc.uri, done);
    }
    return done;
  }
}

/** The process in a `$graph` whose id is `#frag` (or `doc.cwl#frag`). */
function findInGraph(graph: readonly unknown[], frag: string): unknown {
  return graph.find((p) => isPlainObject(p) && typeof p.id === 'string' && (fragmentOf(p.id) || p.id.replace(/^#/, '')) === frag);
}

/** The ids of the processes in a `$graph`, without their `#`. */
export function graphIds(graph: readonly unknown[]): string[] {
  return graph.flatMap((p) => (isPlainObject(p) && typeof p.id === 'string' ? [fragmentOf(p.id) || p.id.replace(/^#/, '')] : []));
}
