/**
 * How deep a document may nest (issue 19): every walk of a loaded document
 * recurses, so nesting past the limit is one ERROR line naming the document,
 * never a stack overflow reported as an internal error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { ANY_TOOL, errorLines, tempDir } from './hugeDocuments.js';

const TOOL = '{"class":"CommandLineTool","baseCommand":"true","inputs":[],"outputs":[]}';

/**
 * A workflow whose one step runs an inline workflow, `depth` times over, as
 * JSON text (built as text: JSON.stringify itself overflows on such a value).
 */
function nestedInlineWorkflows(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `{"class":"Workflow","inputs":[],"outputs":[],"steps":[{"id":"s${i}","in":[],"out":[],"run":`;
    close += '}]}';
  }
  return `{"cwlVersion":"v1.2","requirements":[{"class":"SubworkflowFeatureRequirement"}],${open.slice(1)}${TOOL}${close.slice(0, -1)}}`;
}

/** `w0.cwl` runs `w1.cwl`, which runs `w2.cwl`, ... `w{depth}.cwl` is a tool. */
function chainOfDocuments(depth: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < depth; i++) {
    files[`w${i}.cwl`] = `cwlVersion: v1.2
class: Workflow
requirements: {SubworkflowFeatureRequirement: {}}
inputs: []
outputs: []
steps:
  s: {run: w${i + 1}.cwl, in: [], out: []}
`;
  }
  files[`w${depth}.cwl`] = `cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs: []\noutputs: []\n`;
  return files;
}

/** One ERROR line that names `file`, exit 1, and no sign of a crash. */
function assertRefused(r: { code: number | null; stderr: string }, file: string, what: RegExp): void {
  const { errors, crashed } = errorLines(r.stderr);
  assert.equal(crashed, false, r.stderr.slice(-2000));
  assert.doesNotMatch(r.stderr, /Maximum call stack|RangeError/);
  assert.equal(r.code, 1, r.stderr.slice(-2000));
  assert.equal(errors.length, 1, r.stderr.slice(-2000));
  assert.ok(errors[0]!.startsWith(`ERROR ${file}`), errors[0]);
  assert.match(errors[0]!, what);
}

const NESTED = /nest/;

test('2,000 nested inline workflows are refused with one line naming the document (run, --validate, --pack, --print-dot)', { timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t, { 'nested.cwl': nestedInlineWorkflows(2000) });
  const file = path.join(dir, 'nested.cwl');
  for (const flags of [[], ['--validate'], ['--pack'], ['--print-dot']]) {
    const r = await runCli([...flags, '--no-container', file], { cwd: dir, timeoutMs: 60_000 });
    assertRefused(r, file, NESTED);
  }
});

test('a few nested inline workflows still load and run', { timeout: 60_000 }, async (t) => {
  const dir = await tempDir(t, { 'nested.cwl': nestedInlineWorkflows(10) });
  const r = await runCli(['--no-container', '--outdir', path.join(dir, 'out'), path.join(dir, 'nested.cwl')], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
});

test('a chain of 150 documents, each running the next, is refused with one line naming the top document', { timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t, chainOfDocuments(150));
  const file = path.join(dir, 'w0.cwl');
  // --pack may flatten it (a $graph nests nothing); running the packed document is refused the same way.
  for (const flags of [[], ['--validate'], ['--print-dot']]) {
    const r = await runCli([...flags, '--no-container', file], { cwd: dir, timeoutMs: 60_000 });
    assertRefused(r, file, /processes nested more than 100 deep/);
  }
});

test('a document nested 100,000 deep (JSON or YAML) is refused with one line naming it', { timeout: 60_000 }, async (t) => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const dir = await tempDir(t, {
    'deep.json': deep,
    'doc.json': `{"cwlVersion":"v1.2","class":"CommandLineTool","baseCommand":"true","inputs":[],"outputs":[],"doc":${deep}}`,
    'doc.cwl': `cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs: []\noutputs: []\ndoc: ${deep}\n`,
  });
  for (const name of ['deep.json', 'doc.json', 'doc.cwl']) {
    const r = await runCli(['--validate', path.join(dir, name)], { cwd: dir });
    assertRefused(r, path.join(dir, name), NESTED);
  }
});

test('a job file nested 100,000 deep (JSON or YAML) is refused with one line naming it', { timeout: 60_000 }, async (t) => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const dir = await tempDir(t, { 'tool.cwl': ANY_TOOL, 'job.json': `{"i":${deep}}`, 'job.yml': `i: ${deep}\n` });
  for (const name of ['job.json', 'job.yml']) {
    const r = await runCli(['--no-container', path.join(dir, 'tool.cwl'), path.join(dir, name)], { cwd: dir });
    assertRefused(r, path.join(dir, name), NESTED);
  }
});

test('YAML aliases and $import cannot nest a document past the limit either', { timeout: 60_000 }, async (t) => {
  // Each key nests the previous one 90 deep: within js-yaml's depth limit per node, far past it through the aliases.
  const lines = [`a0: &a0 ${'['.repeat(90)}1${']'.repeat(90)}`];
  for (let i = 1; i < 40; i++) lines.push(`a${i}: &a${i} ${'['.repeat(90)}*a${i - 1}${']'.repeat(90)}`);
  const imports: Record<string, string> = {};
  for (let i = 0; i < 300; i++) imports[`i${i}.yml`] = `x:\n  $import: i${i + 1}.yml\n`;
  imports['i300.yml'] = 'x: 1\n';
  const dir = await tempDir(t, {
    ...imports,
    'aliases.cwl': `cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs: []\noutputs: []\n$namespaces: {ex: "http://example.com/"}\nex:data:\n  ${lines.join('\n  ')}\n`,
    'imports.cwl': `cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs: []\noutputs: []\n$namespaces: {ex: "http://example.com/"}\nex:data:\n  $import: i0.yml\n`,
  });
  for (const name of ['aliases.cwl', 'imports.cwl']) {
    const r = await runCli(['--validate', path.join(dir, name)], { cwd: dir });
    assertRefused(r, path.join(dir, name), NESTED);
  }
});
