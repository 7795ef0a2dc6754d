import { load, YAMLException } from 'js-yaml';
import { ValidationError } from '../errors.js';
import { uriToPath } from './uri.js';

/** Parses YAML (or JSON) text; a syntax error names the file, line and column. */
export function parseYaml(text: string, uri: string): unknown {
  try {
    return load(text, { filename: uriToPath(uri) });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark;
      const where = mark ? `${uriToPath(uri)}:${mark.line + 1}:${mark.column + 1}` : uriToPath(uri);
      throw new ValidationError(`${where}: not valid YAML: ${error.reason}`);
    }
    throw error;
  }
}

/** The 1-based line on which `key:` first appears, for pointing error messages at the source. */
export function lineOfKey(text: string, key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^[\\s-]*["']?${escaped}["']?\\s*:`, 'm').exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index).split('\n').length;
}
