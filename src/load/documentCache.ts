import { fetchText } from './fetch.js';
import { parseYaml } from './yaml.js';
import { resolveUri, withoutFragment, fragmentOf } from './uri.js';
import { ValidationError } from '../errors.js';
import { isPlainObject } from '../model/types.js';

export interface SourceDocument {
  /** URI without fragment. */
  readonly uri: string;
  readonly text: string;
  /** Parsed content with every `$import` and `$include` replaced. */
  readonly content: unknown;
}

/**
 * Fetches and parses each document once per run, and expands `$import` /
 * `$include` (both relative to the document that contains them).
 */
export class DocumentCache {
  readonly #documents = new Map<string, Promise<SourceDocument>>();
  readonly #texts = new Map<string, Promise<string>>();

  load(uri: string): Promise<SourceDocument> {
    const key = withoutFragment(uri);
    let doc = this.#documents.get(key);
    if (!doc) {
      doc = this.#read(key);
      this.#documents.set(key, doc);
    }
    return doc;
  }

  #text(uri: string): Promise<string> {
    let text = this.#texts.get(uri);
    if (!text) {
      text = fetchText(uri);
      this.#texts.set(uri, text);
    }
    return text;
  }

  async #read(uri: string): Promise<SourceDocument> {
    const text = await this.#text(uri);
    const parsed = parseYaml(text, uri);
    const content = await this.#expand(parsed, uri, [uri]);
    return { uri, text, content };
  }

  async #expand(node: unknown, base: string, chain: readonly string[]): Promise<unknown> {
    if (Array.isArray(node)) {
      return Promise.all(node.map((item) => this.#expand(item, base, chain)));
    }
    if (!isPlainObject(node)) return node;
    if (typeof node.$import === 'string') {
      const target = resolveUri(node.$import, base);
      const targetDoc = withoutFragment(target);
      if (chain.includes(targetDoc)) throw new ValidationError(`${base}: $import cycle through ${targetDoc}`);
      const text = await this.#text(targetDoc);
      const imported = await this.#expand(parseYaml(text, targetDoc), targetDoc, [...chain, targetDoc]);
      const frag = fragmentOf(target);
      return frag ? selectById(imported, frag, target) : imported;
    }
    if (typeof node.$include === 'string') {
      return this.#text(resolveUri(node.$include, base));
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = await this.#expand(value, base, chain);
    }
    return out;
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
