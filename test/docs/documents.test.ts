// The user's documents stay what issue 20 made them: a short README with no
// dated measurement in it (figures live in the results files), its quick
// start's two commands, and links that lead somewhere. Reads files only.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/docs/; the documents are read from the repository.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string): string => readFileSync(path.join(repo, file), 'utf8');
const readme = read('README.md');

const QUICK_START_COMMANDS = [
  'source .ci/install-node.sh && npm install && npm run example',
  'bash .ci/run',
];

/** The documents whose relative links must resolve: README, CONTRIBUTING and docs/. */
function documents(): string[] {
  const docs = readdirSync(path.join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** The targets of a document's markdown links, code (fenced and inline) left out: `[a, b](x)` in code is no link. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** A target within the repository (no scheme, not only an anchor), without its anchor; undefined for any other. */
function relativePath(target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return undefined;
  const withoutAnchor = target.split('#')[0]!;
  return decodeURIComponent(withoutAnchor);
}

test('README.md is under 300 lines', () => {
  const lines = readme.split('\n').length;
  assert.ok(lines < 300, `README.md has ${lines} lines`);
});

test('no line of README.md carries a date (measured figures belong in the results files)', () => {
  const dated = readme.split('\n').map((line, i) => `${i + 1}: ${line}`).filter((line) => /\b20\d\d-\d\d-\d\d\b/.test(line));
  assert.deepEqual(dated, []);
});

test("README's quick start holds its two commands", () => {
  const start = readme.indexOf('## Quick start');
  assert.ok(start >= 0, 'README.md has no "## Quick start" section');
  const next = readme.indexOf('\n## ', start + 1);
  const quickStart = readme.slice(start, next < 0 ? undefined : next);
  for (const command of QUICK_START_COMMANDS) {
    assert.ok(quickStart.split('\n').some((line) => line.trim() === command), `the quick start lacks the line: ${command}`);
  }
});

test('every relative link in README.md, CONTRIBUTING.md and docs/*.md leads to a file or folder of the repository', () => {
  let checked = 0;
  const broken: string[] = [];
  for (const file of documents()) {
    for (const target of linkTargets(read(file))) {
      const relative = relativePath(target);
      if (relative === undefined || relative === '') continue;
      checked += 1;
      if (!existsSync(path.resolve(repo, path.dirname(file), relative))) broken.push(`${file}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked >= 20, `only ${checked} relative links found: the link reader is missing them`);
});

test('the link reader finds links in prose, not in code', () => {
  const markdown = 'See [a](docs/a.md#x) and [b](https://example.org).\n`[c](not/a/link)`\n```\n[d](nor/this)\n```\n';
  assert.deepEqual(linkTargets(markdown), ['docs/a.md#x', 'https://example.org']);
  assert.equal(relativePath('docs/a.md#x'), 'docs/a.md');
  assert.equal(relativePath('https://example.org'), undefined);
  assert.equal(relativePath('#anchor'), undefined);
});
