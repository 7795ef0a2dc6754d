/**
 * Which tests of one suite another suite already runs: `--skip-same-as v1.2`
 * drops a v1.0 or v1.1 test whose documents, job and expected output are
 * those of a v1.2 test but for their `cwlVersion`. Run on a cluster, such a
 * test adds nothing to the v1.2 run there plus its own run on the local
 * backend (where the upgrade of its version is what it checks). Pure: the
 * caller passes the file reader.
 */
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { SuiteTest } from './suite.js';

/** Reads a file's text, or undefined when there is none. */
export type ReadMaybe = (path: string) => string | undefined;

// A document names the files it runs, imports or stages by these keys.
const REFERENCE = /(?:run|\$import|\$include|location|path)\s*:\s*["']?([\w./-]+)/g;
const VERSION = /["']?cwlVersion["']?\s*:\s*["']?v1\.\d["']?/g;

/**
 * The test's documents (the tool and every file it names, transitively, with
 * `cwlVersion` taken out), its job file, its fragment, its expected output and
 * whether it should fail, hashed.
 */
export function testFingerprint(test: SuiteTest, read: ReadMaybe): string {
  const hash = createHash('sha256');
  const [toolFile, fragment] = splitFragment(test.tool);
  hash.update(documentsText(toolFile, read)).update(`\0#${fragment}\0`);
  if (test.job !== undefined) hash.update(documentsText(test.job, read));
  hash.update(`\0${JSON.stringify(test.output ?? null)}\0${test.shouldFail}`);
  return hash.digest('hex');
}

/** The 1-based `numbers` whose tests have no twin in `other` (the same fingerprint). */
export function numbersWithoutTwin(
  filtered: readonly SuiteTest[], numbers: readonly number[], other: readonly SuiteTest[], read: ReadMaybe,
): number[] {
  const twins = new Set(other.map((t) => testFingerprint(t, read)));
  return numbers.filter((n) => !twins.has(testFingerprint(filtered[n - 1]!, read)));
}

function documentsText(start: string, read: ReadMaybe): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = read(file);
    if (text === undefined) continue;
    parts.push(text.replace(VERSION, ''));
    for (const match of text.matchAll(REFERENCE)) queue.push(resolve(dirname(file), match[1]!));
  }
  return parts.join('\0');
}

function splitFragment(tool: string): [string, string] {
  const hash = tool.indexOf('#');
  return hash === -1 ? [tool, ''] : [tool.slice(0, hash), tool.slice(hash + 1)];
}
