/**
 * The schema verdict cache: a document that passed is not checked again (and
 * cwl-ts-auto is not even loaded), keyed by content; failures are never kept;
 * a broken or unwritable cache is a miss, not an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../src/errors.js';
import { validateDocument } from '../../src/load/documentSchema.js';
import { ValidationCache } from '../../src/load/validationCache.js';

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
