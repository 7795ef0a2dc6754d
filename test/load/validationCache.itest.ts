/**
 * The schema verdict cache through the CLI: the second run of a tool does
 * not even load cwl-ts-auto, and an edited document is checked again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers/cli.js';
import { LOAD_WATCH, loadedModules } from '../helpers/loadedModules.js';

const ECHO = 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\ninputs:\n  message: {type: string, inputBinding: {position: 1}}\noutputs: []\n';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'bespin-vcache-'));
}

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
