import { ValidationError } from '../errors.js';
import { isPlainObject } from '../model/types.js';
import { lineOfKey } from '../load/yaml.js';
import { uriToPath } from '../files/uri.js';
import type { SourceDocument } from '../load/documentCache.js';
import { ValidationCache } from './validationCache.js';

/**
 * Checks a whole document against the CWL v1.2 schema with cwl-ts-auto (the
 * generated document model), and condenses its nested "tried X but" report
 * to the branch for the document's own class, with file:line where found.
 */
/** The schema verdicts remembered under `root` (the CLI's cache directory), keyed by this checker's code too. */
export function openValidationCache(root: string): ValidationCache | undefined {
  return ValidationCache.open(root, [import.meta.url]);
}

export async function validateDocument(doc: SourceDocument, cache: ValidationCache | undefined): Promise<void> {
  let checked: string;
  try {
    const extension = extensionClass(isPlainObject(doc.content) && isPlainObject(doc.content.$namespaces) ? doc.content.$namespaces : {});
    const forValidation = (key: string, value: unknown): unknown => withoutExtensions(key, secondaryFilesAsPatterns(key, value), extension);
    checked = JSON.stringify(doc.content, forValidation);
  } catch (error) {
    throw new ValidationError(`${uriToPath(doc.uri)}: ${String(error)}`);
  }
  const key = cache?.keyOf(doc.uri, checked);
  if (key !== undefined && cache?.isKnownValid(key)) return;
  // Imported here, not at the top: a document that passed before never loads it.
  // CommonJS: its exports are the default export, in Node as in the bundle.
  const { loadDocumentByString, ValidationException } = (await import('cwl-ts-auto')).default;
  try {
    await loadDocumentByString(checked, doc.uri);
  } catch (error) {
    if (error instanceof ValidationException) {
      throw new ValidationError(condense(error.toString(), doc));
    }
    throw new ValidationError(`${uriToPath(doc.uri)}: ${String(error)}`);
  }
  if (key !== undefined) cache?.rememberValid(key);
}

/**
 * cwl-ts-auto rejects `secondaryFiles: [{pattern, required}]` entries
 * ("Missing pattern in secondaryFiles specification entry: {}"), which the
 * schema allows; for validation only, such entries are given as their pattern.
 */
function secondaryFilesAsPatterns(key: string, value: unknown): unknown {
  if (key !== 'secondaryFiles' || !Array.isArray(value)) return value;
  return value.map((e) => (isPlainObject(e) && typeof e.pattern === 'string' ? e.pattern : e));
}

/**
 * cwl-ts-auto knows only the standard classes, so cwltool's extensions
 * (`cwltool:MPIRequirement`, …) are left out of `requirements` for the
 * schema check; whether they are allowed is checkExtensions's call
 * (--enable-ext), after loading.
 */
function withoutExtensions(key: string, value: unknown, isExtension: (cls: unknown) => boolean): unknown {
  if (key !== 'requirements') return value;
  if (Array.isArray(value)) return value.filter((r) => !(isPlainObject(r) && isExtension(r.class)));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).filter(([cls]) => !isExtension(cls)));
  return value;
}

function extensionClass(namespaces: Readonly<Record<string, unknown>>): (cls: unknown) => boolean {
  const prefixes = Object.entries(namespaces).filter(([, ns]) => ns === 'http://commonwl.org/cwltool#').map(([p]) => `${p}:`);
  return (cls) => typeof cls === 'string' && (cls.startsWith('http://commonwl.org/cwltool#') || prefixes.some((p) => cls.startsWith(p)));
}

function condense(report: string, doc: SourceDocument): string {
  const file = uriToPath(doc.uri);
  const cls = isPlainObject(doc.content) ? doc.content.class : undefined;
  const lines = report.split('\n');
  let start = 0;
  let end = lines.length;
  if (typeof cls === 'string') {
    const at = lines.findIndex((l) => l.trim() === `Trying '${cls}'`);
    if (at >= 0) {
      start = at + 1;
      const next = lines.findIndex((l, i) => i > at && /^tried _/.test(l));
      end = next >= 0 ? next : lines.length;
    }
  }
  const body = lines.slice(start, end).filter((l) => l.trim() !== '');
  const located = body.map((line) => {
    const field = /`(\w+)` field is not valid|invalid field (\w+)/.exec(line);
    const name = field?.[1] ?? field?.[2];
    const lineNo = name ? lineOfKey(doc.text, name) : undefined;
    return lineNo ? `${file}:${lineNo}: ${line.trim()}` : `  ${line.trim()}`;
  });
  const shown = located.slice(0, 40);
  return `${file}: not a valid CWL document:\n${shown.join('\n')}${located.length > shown.length ? '\n  ...' : ''}`;
}
