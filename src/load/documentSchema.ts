import { ValidationError } from '../errors.js';
import { isPlainObject } from '../model/types.js';
import { lineOfKey } from '../load/yaml.js';
import { uriToPath } from '../files/uri.js';
import type { SourceDocument } from '../load/documentCache.js';
import { ValidationCache } from './validationCache.js';
import { onlyUnknownFields } from './unknownFields.js';

/**
 * Checks a whole document against the CWL v1.2 schema with cwl-ts-auto (the
 * generated document model), and condenses its nested "tried X but" report
 * to the branch for the document's own class, with file:line where found.
 */
/** The schema verdicts remembered under `root` (the CLI's cache directory), keyed by this checker's code too. */
export function openValidationCache(root: string): ValidationCache | undefined {
  return ValidationCache.open(root, [import.meta.url]);
}

/**
 * `onUnknownField`: --non-strict, under which fields the schema does not
 * name are each a warning sent there rather than an error, as cwltool warns
 * and runs (onlyUnknownFields); a document so accepted is not remembered as valid.
 */
export async function validateDocument(doc: SourceDocument, cache: ValidationCache | undefined, onUnknownField?: (warning: string) => void): Promise<void> {
  let checked: string;
  try {
    const namespaces = documentNamespaces(doc.content);
    const extension = extensionClass(namespaces);
    const root = isPlainObject(doc.content) && Object.keys(namespaces).length > 0 ? { ...doc.content, $namespaces: namespaces } : doc.content;
    const forValidation = function (this: unknown, key: string, value: unknown): unknown {
      if (key === '$namespaces' && this !== root) return undefined;
      return withoutExtensions(key, secondaryFilesAsPatterns(key, value), extension);
    };
    checked = JSON.stringify(root, forValidation);
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
      const unknown = onUnknownField ? onlyUnknownFields(error.toString()) : undefined;
      if (!unknown) throw new ValidationError(condense(error.toString(), doc));
      for (const line of unknown) onUnknownField!(located(line, doc));
      return;
    }
    throw new ValidationError(`${uriToPath(doc.uri)}: ${String(error)}`);
  }
  if (key !== undefined) cache?.rememberValid(key);
}

/**
 * The document's `$namespaces` with those of its `$graph` entries, which
 * cwltool allows (each entry's for itself); the schema takes them only at
 * the top, so for validation they are all given there.
 */
function documentNamespaces(content: unknown): Record<string, unknown> {
  if (!isPlainObject(content)) return {};
  const entries = Array.isArray(content.$graph) ? content.$graph : [];
  const own = entries.flatMap((e) => (isPlainObject(e) && isPlainObject(e.$namespaces) ? [e.$namespaces] : []));
  return Object.assign({}, ...own, isPlainObject(content.$namespaces) ? content.$namespaces : {}) as Record<string, unknown>;
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
  const lines = report.split('\n');
  // The report tries every class; the branch of the document's own class (in a `$graph`, the one whose class matched) says what is wrong.
  const blocks = documentClasses(doc.content).flatMap((cls) => lines.flatMap((l, at) => (l.trim() === `Trying '${cls}'` ? [classBranch(lines, at)] : [])));
  const [start, end] = blocks.find(([from, to]) => !lines.slice(from, to).some((l) => l.includes('the `class` field is not valid'))) ?? [0, lines.length];
  const body = lines.slice(start, end).filter((l) => l.trim() !== '');
  // One problem is one line: where it is, then what.
  if (body.length === 1) {
    const lineNo = lineOf(body[0]!, doc);
    const what = body[0]!.trim().replace(/\s+/g, ' ');
    return lineNo ? `${file}:${lineNo}: ${what}` : `${file}: not a valid CWL document: ${what}`;
  }
  const problems = body.map((line) => {
    const lineNo = lineOf(line, doc);
    return lineNo ? `${file}:${lineNo}: ${line.trim()}` : `  ${line.trim()}`;
  });
  const shown = problems.slice(0, 40);
  return `${file}: not a valid CWL document:\n${shown.join('\n')}${problems.length > shown.length ? '\n  ...' : ''}`;
}

/** The line of the document a problem names a field of (its first mention), if found. */
function lineOf(line: string, doc: SourceDocument): number | undefined {
  const field = /`(\w+)` field is not valid|invalid field (\w+)/.exec(line);
  const name = field?.[1] ?? field?.[2];
  return name ? lineOfKey(doc.text, name) : undefined;
}

/** A problem as `file:line: what`. */
function located(what: string, doc: SourceDocument): string {
  const lineNo = lineOf(what, doc);
  return `${uriToPath(doc.uri)}${lineNo ? `:${lineNo}` : ''}: ${what}`;
}

/** The classes a document's processes declare: its own, or its `$graph` entries'. */
function documentClasses(content: unknown): string[] {
  if (!isPlainObject(content)) return [];
  const entries = Array.isArray(content.$graph) ? content.$graph : [content];
  return [...new Set(entries.flatMap((e) => (isPlainObject(e) && typeof e.class === 'string' ? [e.class] : [])))];
}

/** The lines after a `Trying 'Class'` line, up to the next alternative the checker tried (the report nests by indentation). */
function classBranch(lines: readonly string[], at: number): [number, number] {
  const indent = (l: string): number => l.length - l.trimStart().length;
  const next = lines.findIndex((l, i) => i > at && l.trim() !== '' && indent(l) <= indent(lines[at]!) && !l.trim().startsWith('Trying'));
  return [at + 1, next >= 0 ? next : lines.length];
}
