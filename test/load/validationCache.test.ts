/**
 * The schema verdict cache: a document that passed is not checked again (and
 * cwl-ts-auto is not even loaded), keyed by content; failures are never kept;
 * a broken or unwritable cache is a miss, not an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../src/errors.js';
import { validateDocument } from '../../src/load/documentSchema.js';
import { ValidationCache } from '../../src/load/validationCache.js';
import { CLI } from '../helpers/cli.js';
import { LOAD_WATCH, loadedModules } from '../helpers/loadedModules.js';

const ECHO = 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\ninputs:\n  message: {type: string, inputBinding: {position: 1}}\noutputs: []\n';
const tool = (content: Record<string, unknown>) => ({ uri: 'file:///x/tool.cwl', text: JSON.stringify(content), content });
const valid = { cwlVersion: 'v1.2', class: 'CommandLineTool', baseCommand: 'echo', inputs: [], outputs: [] };
const invalid = { ...valid, inputs: 3 };

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'bespin-vcache-'));
}

async function entries(root: string): Promise<string[]> {
  try {
    return (await readdir(path.join(root, 'valid'), { recursive: true })).filter((e) => e.length === 64 + 3);
  } catch {
    return [];
  }
}

test('a document that passed is remembered by content, and a different text is checked again', async () => {
  const root = await tempDir();
  const cache = ValidationCache.open(root)!;
  await validateDocument(tool(valid), cache);
  assert.equal((await entries(root)).length, 1);
  await validateDocument(tool(valid), cache);
  assert.equal((await entries(root)).length, 1);
  await assert.rejects(validateDocument(tool(invalid), cache), ValidationError);
  assert.equal((await entries(root)).length, 1, 'a failure is not cached');
});

test('a remembered verdict skips the check; a damaged entry is a miss', async () => {
  const root = await tempDir();
  const cache = ValidationCache.open(root)!;
  const key = cache.keyOf('file:///x/tool.cwl', JSON.stringify(invalid));
  cache.rememberValid(key);
  await validateDocument(tool(invalid), cache); // trusted: the same text passed before
  await writeFile(path.join(root, 'valid', key.slice(0, 2), key), 'vali');
  await assert.rejects(validateDocument(tool(invalid), cache), ValidationError);
});

test('a cache directory that cannot be made leaves validation as it was', async () => {
  const root = await tempDir();
  await writeFile(path.join(root, 'valid'), 'a file where the directory should be');
  const cache = ValidationCache.open(root)!;
  await validateDocument(tool(valid), cache);
  await assert.rejects(validateDocument(tool(invalid), cache), ValidationError);
});

test('the second run of a tool does not load cwl-ts-auto; an edit to the document is checked', async () => {
  const root = await tempDir();
  const doc = path.join(root, 'echo.cwl');
  await writeFile(doc, ECHO);
  // Whether a module of cwl-ts-auto, or a bundle chunk holding its code, was loaded (resolving its path is not loading).
  const run = () => {
    const r = spawnSync(process.execPath, ['--import', LOAD_WATCH, CLI, '--quiet', '--outdir', root, doc, '--message', 'hi'], {
      env: { ...process.env, BESPIN_CACHE_DIR: path.join(root, 'cache') }, encoding: 'utf8',
    });
    return { ...r, loadedModel: loadedModules(r.stderr).some((m) => m.packages.has('cwl-ts-auto')) };
  };
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.ok(first.loadedModel);
  const second = run();
  assert.equal(second.status, 0, second.stderr);
  assert.ok(!second.loadedModel);
  await writeFile(doc, ECHO.replace('inputs:', 'inputz:'));
  const edited = run();
  assert.equal(edited.status, 1);
  assert.ok(edited.loadedModel);
});
