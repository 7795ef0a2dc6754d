import { fetchText } from './fetch.js';
import { parseYaml, type ParsedYaml } from './yaml.js';
import { resolveUri, withoutFragment, fragmentOf, uriToPath } from '../files/uri.js';
import { ValidationError } from '../errors.js';
import { isPlainObject } from '../model/types.js';
import type { LoadGuard } from './guard.js';
import { LoadLimitError, NESTING_LIMIT, describeLimit, documentSizeLimit, type LoadLimits, type SizeLimit } from './limits.js';
import { OncePerKey } from '../files/oncePerKey.js';

export interface SourceDocument {
  /** URI without fragment. */
  readonly uri: string;
  readonly text: string;
  /** Parsed content with every `$import` and `$include` replaced. */
  readonly content: unknown;
}

/**
 * Fetches and parses each document once per run, and expands `$import` /
 * `$include` (both relative to the document that contains them), within the
 * limits: each file at most `documentBytes`, and each document, once
 * expanded, at most `documentBytes` and `imports` expansions.
 */
export class DocumentCache {
  readonly #limits: LoadLimits;
  readonly #size: SizeLimit;
  readonly #guard: LoadGuard | undefined;
  readonly #documents = new OncePerKey<SourceDocument>();
  readonly #texts = new OncePerKey<string>();
  readonly #parsed = new OncePerKey<ParsedYaml>();

  constructor(limits: LoadLimits, guard?: LoadGuard) {
    this.#limits = limits;
    this.#size = documentSizeLimit(limits);
    this.#guard = guard;
  }

  load(uri: string): Promise<SourceDocument> {
    const key = withoutFragment(uri);
    return this.#documents.get(key, () => this.#read(key));
  }

  #text(uri: string): Promise<string> {
    return this.#texts.get(uri, () => fetchText(uri, { limit: this.#size }));
  }

  #parse(uri: string): Promise<ParsedYaml> {
    return this.#parsed.get(uri, async () => {
      const text = await this.#text(uri);
      this.#guard?.check();
      return parseYaml(text, uri, this.#size);
    });
  }

  async #read(uri: string): Promise<SourceDocument> {
    const text = await this.#text(uri);
    const parsed = await this.#parse(uri);
    const budget = new ExpansionBudget(uri, parsed.bytes, this.#limits, this.#size);
    const content = await this.#expand(parsed.value, uri, [uri], budget, 0);
    return { uri, text, content };
  }

  /** `node` with its `$import`s and `$include`s expanded; `level` is how many collections hold it. */
  async #expand(node: unknown, base: string, chain: readonly string[], budget: ExpansionBudget, level: number): Promise<unknown> {
    if (!Array.isArray(node) && !isPlainObject(node)) return node;
    // Each file is within the limit on its own; an $import inside another file's nesting adds up.
    if (level >= NESTING_LIMIT && !(isPlainObject(node) && (typeof node.$import === 'string' || typeof node.$include === 'string'))) {
      throw new ValidationError(`${uriToPath(budget.root)}: $import nests the document's arrays and mappings more than ${NESTING_LIMIT} deep (the last by ${uriToPath(base)}); refusing it`);
    }
    if (Array.isArray(node)) {
      return Promise.all(node.map((item) => this.#expand(item, base, chain, budget, level + 1)));
    }
    if (typeof node.$import === 'string') {
      const target = resolveUri(node.$import, base);
      const targetDoc = withoutFragment(target);
      const frag = fragmentOf(target);
      // Only the named object is expanded, so a packed document importing its own `#tool` is no cycle; the object importing itself is.
      const step = frag ? target : targetDoc;
      if (chain.includes(step)) throw new ValidationError(`${uriToPath(base)}: $import cycle through ${step}`);
      const parsed = await this.#parse(targetDoc);
      budget.spend('$import', targetDoc, base, parsed.bytes);
      const selected = frag ? selectById(parsed.value, frag, target) : parsed.value;
      return this.#expand(selected, targetDoc, [...chain, step], budget, level);
    }
    if (typeof node.$include === 'string') {
      const target = resolveUri(node.$include, base);
      const text = await this.#text(target);
      budget.spend('$include', target, base, text.length);
      return text;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = await this.#expand(value, base, chain, budget, level + 1);
    }
    return out;
  }
}

/**
 * What one document may still expand into. Every `$import` and `$include`
 * occurrence counts, however often the same file is named: a diamond of
 * imports (A imports B twice, B imports C twice, ...) doubles at each level.
 */
class ExpansionBudget {
  #imports = 0;
  #bytes: number;
  constructor(readonly root: string, bytes: number, readonly limits: LoadLimits, readonly size: SizeLimit) {
    this.#bytes = bytes;
  }

  /** Checked before the target is expanded, so nothing past the limits is built. */
  spend(directive: '$import' | '$include', target: string, from: string, bytes: number): void {
    const last = `the last by ${directive} ${uriToPath(target)} in ${uriToPath(from)}`;
    if (++this.#imports > this.limits.imports) {
      throw new LoadLimitError(`${uriToPath(this.root)}: more than the limit of ${this.limits.imports} $import/$include expansions, ${last}; refusing the document`);
    }
    this.#bytes += bytes;
    if (this.#bytes > this.size.bytes) {
      throw new LoadLimitError(`${uriToPath(this.root)}: $import/$include expand the document to more than ${describeLimit(this.size)}, ${last}; refusing it`);
    }
  }
}

function selectById(content: unknown, fragment: string, uri: string): unknown {
  const graph = isPlainObject(content) && Array.isArray(content.$graph) ? content.$graph : Array.isArray(content) ? content : [content];
  for (const item of graph) {
    if (isPlainObject(item) && typeof item.id === 'string' && (item.id === fragment || item.id === `#${fragment}` || item.id.endsWith(`#${fragment}`))) {
      return item;
    }
  }
  throw new ValidationError(`${uri}: no object with id '${fragment}'`);
}
