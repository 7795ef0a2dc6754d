/**
 * The bundle (dist/bundle/, made by .ci/bundle.mjs) is what `bespin` and the
 * engine image run: it must be complete without node_modules, find its
 * workers and the schemas, and load no more than a run needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CLI } from '../helpers/cli.js';
import { LOAD_WATCH, loadedModules } from '../helpers/loadedModules.js';

const repo = path.resolve(path.dirname(CLI), '../..');
const ECHO = path.join(repo, 'test/examples/echo.cwl');

function run(cli: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []) {
  return spawnSync(process.execPath, [...nodeArgs, cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

test('the bundle runs with no node_modules beside it, as in the engine image: a tool, its expressions, --help, a conf file', () => {
  // The image's layout: /app/{package.json, schemas/, dist/bundle/}.
  const app = mkdtempSync(path.join(os.tmpdir(), 'bespin-bundle-'));
  cpSync(path.dirname(CLI), path.join(app, 'dist/bundle'), { recursive: true });
  cpSync(path.join(repo, 'schemas'), path.join(app, 'schemas'), { recursive: true });
  cpSync(path.join(repo, 'package.json'), path.join(app, 'package.json'));
  const cli = path.join(app, 'dist/bundle/bespin.js');
  const env = { BESPIN_CACHE_DIR: path.join(app, 'cache') };
  // An expression runs in the sandbox's worker thread, a separate entry point found beside the chunks.
  const tool = path.join(app, 'expression.cwl');
  writeFileSync(tool, ['cwlVersion: v1.2', 'class: ExpressionTool', 'requirements: {InlineJavascriptRequirement: {}}',
    'inputs: {n: int}', 'outputs: {twice: int}', 'expression: "$({twice: inputs.n * 2})"', ''].join('\n'));
  const expression = run(cli, ['--quiet', '--outdir', path.join(app, 'out'), tool, '--n', '21'], env);
  assert.equal(expression.status, 0, expression.stderr);
  assert.deepEqual(JSON.parse(expression.stdout), { twice: 42 });

  const echo = run(cli, ['--quiet', '--outdir', path.join(app, 'out'), ECHO, '--message', 'hi'], env);
  assert.equal(echo.status, 0, echo.stderr);
  assert.equal(JSON.parse(echo.stdout).said.size, 3);

  const help = run(cli, ['--help'], env);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--outdir/);

  // ajv and schemas/conf.schema.json, found above dist/bundle/.
  const conf = path.join(app, 'conf.json');
  writeFileSync(conf, JSON.stringify({ debug: 'yes' }));
  const badConf = run(cli, ['--conf', conf, ECHO, '--message', 'hi'], env);
  assert.equal(badConf.status, 1, badConf.stderr);
  assert.match(badConf.stderr, /^ERROR conf file .*conf\.json: \/debug: must be boolean/m);
  assert.doesNotMatch(badConf.stderr, /\n\s+at /, 'one line, no stack trace');
});

test('a warm run of a tool loads a few chunks of the bundle: not yargs, cwl-ts-auto, ajv, pino-pretty, the Kubernetes client nor node:http', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bespin-bundle-'));
  const args = ['--quiet', '--outdir', path.join(root, 'out'), ECHO, '--message', 'hi'];
  const env = { BESPIN_CACHE_DIR: path.join(root, 'cache') };
  assert.equal(run(CLI, args, env).status, 0);
  const warm = run(CLI, args, env, ['--import', LOAD_WATCH]);
  assert.equal(warm.status, 0, warm.stderr);
  const loaded = loadedModules(warm.stderr);
  const files = loaded.filter((m) => m.url.startsWith('file:'));
  for (const m of files) assert.ok(m.url.startsWith(`file://${path.dirname(CLI)}/`), `only bundle files: ${m.url}`);
  assert.ok(files.some((m) => m.packages.has('pino')), 'the source maps name the bundled packages');
  for (const unwanted of ['yargs', 'cwl-ts-auto', 'ajv', 'pino-pretty', '@kubernetes/client-node']) {
    assert.ok(!files.some((m) => m.packages.has(unwanted)), `${unwanted} is not loaded`);
  }
  assert.ok(!loaded.some((m) => m.url === 'node:http'), 'node:http (its ESM facade loads undici) is not linked');
  // The rest (the Kubernetes client, cwl-ts-auto, yargs, ajv) stays on disk.
  const size = (file: string) => statSync(file).size;
  const loadedBytes = files.map((m) => size(fileURLToPath(m.url))).reduce((a, b) => a + b, 0);
  const bundleBytes = readdirSync(path.dirname(CLI)).filter((f) => f.endsWith('.js')).map((f) => size(path.join(path.dirname(CLI), f))).reduce((a, b) => a + b, 0);
  assert.ok(loadedBytes < bundleBytes / 5, `${files.length} chunks, ${loadedBytes} of the bundle's ${bundleBytes} bytes loaded`);
});
