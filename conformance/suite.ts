/**
 * The conformance test list (`conformance_tests.yaml` and the files it
 * `$import`s), reduced to what the harness needs: id, tags, doc. The order is
 * the order cwltest numbers the tests in (imports expanded in place).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { load } from 'js-yaml';

export interface SuiteTest {
  /** cwltest's "short name": the last `/`- or `#`-separated part of `label` or `id`. */
  readonly id: string;
  readonly tags: readonly string[];
  readonly doc: string;
  readonly shouldFail: boolean;
  /** The tool or workflow run, as an absolute path (with its `#fragment`, if any). */
  readonly tool: string;
  /** The job file, as an absolute path; undefined when the test has none. */
  readonly job: string | undefined;
  /** The expected output object, as the list gives it. */
  readonly output: unknown;
}

export class SuiteError extends Error {
  override readonly name = 'SuiteError';
}

/** The only top-level keys of a test entry the harness reads. */
const KEPT_KEYS: ReadonlySet<string> = new Set(['id', 'label', 'doc', 'tags', 'should_fail', '$import']);

/**
 * Parses one test-list document into its raw entries. js-yaml is stricter
 * than the Python YAML loaders cwltest uses (it rejects flow collections whose
 * continuation lines are not indented past their key, which the official
 * suite has), so when the whole document does not load, each top-level item
 * is loaded on its own, and an item that still fails is loaded with only the
 * keys in {@link KEPT_KEYS}.
 */
export function parseTestList(text: string, filename = '<test list>'): unknown[] {
  let whole: unknown;
  try {
    whole = load(text, { filename });
  } catch {
    return splitTopLevelItems(text).map((item) => loadItem(item, filename));
  }
  if (whole === null || whole === undefined) return [];
  if (!Array.isArray(whole)) throw new SuiteError(`${filename}: expected a list of tests`);
  return whole;
}

interface Item {
  readonly line: number;
  readonly lines: readonly string[];
}

/** Splits a block sequence at column 0 into its items, each dedented to a mapping at column 0. */
export function splitTopLevelItems(text: string): Item[] {
  const items: { line: number; indent: number; lines: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const start = /^-(?:[ \t]+|$)/.exec(raw);
    if (start !== null) {
      const indent = start[0].length;
      items.push({ line: index + 1, indent, lines: [raw.slice(indent)] });
    } else if (/^[^\s#\]}]/.test(raw)) {
      // A `}` or `]` at column 0 closes a flow collection (v1.1's list has one); anything else is an error.
      throw new SuiteError(`line ${index + 1}: expected a top-level list item`);
    } else if (items.length > 0 && !raw.startsWith('#')) {
      const item = items.at(-1)!;
      item.lines.push(raw.slice(0, item.indent).trim() === '' ? raw.slice(item.indent) : raw.trimStart());
    }
  });
  return items.map(({ line, lines }) => ({ line, lines }));
}

function loadItem(item: Item, filename: string): unknown {
  try {
    return load(item.lines.join('\n'), { filename });
  } catch {
    // fall through to the reduced item
  }
  try {
    return load(keepKeys(item.lines).join('\n'), { filename });
  } catch (e) {
    throw new SuiteError(`${filename}:${item.line}: cannot parse test entry: ${(e as Error).message}`);
  }
}

/** Keeps the column-0 keys in {@link KEPT_KEYS} with their indented continuation lines. */
function keepKeys(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let keep = false;
  for (const line of lines) {
    if (/^[^\s#\]}]/.test(line)) {
      const key = /^(["']?)([^"':]+)\1\s*:/.exec(line)?.[2];
      keep = key !== undefined && KEPT_KEYS.has(key);
    }
    if (keep) kept.push(line);
  }
  return kept;
}

/** cwltest's `shortname`: the last non-empty part of a name split on `/` and `#`. */
export function shortName(name: string): string {
  return name.split(/[/#]/).filter((p) => p.length > 0).at(-1) ?? name;
}

export type ReadText = (path: string) => string;

/** Loads a test list and the lists it `$import`s (resolved against the importing file). */
export function loadSuite(path: string, readText: ReadText): SuiteTest[] {
  const tests: SuiteTest[] = [];
  const visit = (file: string, chain: readonly string[]): void => {
    if (chain.includes(file)) throw new SuiteError(`$import cycle: ${[...chain, file].join(' -> ')}`);
    for (const entry of parseTestList(readText(file), file)) {
      if (!isRecord(entry)) throw new SuiteError(`${file}: test entry is not a mapping`);
      const target = entry['$import'];
      if (typeof target === 'string') {
        visit(resolveImport(file, target), [...chain, file]);
      } else {
        tests.push(toSuiteTest(entry, tests.length + 1, file));
      }
    }
  };
  visit(path, []);
  return tests;
}

function resolveImport(from: string, target: string): string {
  const path = target.startsWith('file://') ? new URL(target).pathname : target;
  return isAbsolute(path) ? path : resolve(dirname(from), path);
}

function toSuiteTest(entry: Readonly<Record<string, unknown>>, number: number, file: string): SuiteTest {
  const name = entry['label'] ?? entry['id'];
  const tags = Array.isArray(entry['tags']) ? entry['tags'].map(String) : [];
  // cwltest resolves a test's files against the list that holds the entry.
  const tool = typeof entry['tool'] === 'string' ? resolveImport(file, entry['tool']) : '';
  const job = typeof entry['job'] === 'string' ? resolveImport(file, entry['job']) : undefined;
  return {
    id: typeof name === 'string' || typeof name === 'number' ? shortName(String(name)) : `unnamed_test_${number}`,
    tags,
    doc: typeof entry['doc'] === 'string' ? entry['doc'].trim() : '',
    shouldFail: entry['should_fail'] === true,
    tool,
    job,
    output: entry['output'],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
