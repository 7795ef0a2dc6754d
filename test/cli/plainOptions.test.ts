/**
 * The yargs-free reading of plain engine options gives what yargs gives, and
 * leaves every other command line to yargs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import yargs from 'yargs';
import { ENGINE_OPTIONS, lastValues } from '../../src/cli/options.js';
import { readPlainOptions } from '../../src/cli/plainOptions.js';

/** yargs configured as commandLine.ts configures it, without help and version. */
async function byYargs(args: readonly string[]): Promise<Record<string, unknown>> {
  const parser = yargs([...args]).strict().exitProcess(false).parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': false });
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) parser.option(name, { type: spec.type === 'number' ? 'string' : spec.type });
  const { $0: _, ...values } = (await parser.parseAsync()) as Record<string, unknown>;
  return values;
}

test('plain command lines read as yargs reads them', async () => {
  const lines = [
    [],
    ['--quiet', '--no-container', '--outdir', '/tmp/out'],
    ['--outdir=/tmp/out', '--eval-timeout', '5', '--retries=2', '--debug'],
    ['--preserve-environment', 'HOME', '--preserve-environment=PATH', '--target', 'a,b'],
    ['--outdir='],
    ['--backend', 'local', '--max-ram', '2G', '--on-error', 'continue'],
    ['--outdir', 'a', '--outdir', 'b', '--target', 'x', '--target', 'y'],
  ];
  for (const line of lines) assert.deepEqual(readPlainOptions(line), lastValues(await byYargs(line)), line.join(' '));
  // As argparse: the last of a repeated option counts (CWLTOOL_OPTIONS' words come before the command line's).
  assert.equal(readPlainOptions(['--outdir', 'a', '--outdir', 'b'])?.outdir, 'b');
});

test('anything else is left to yargs', () => {
  const lines = [
    ['--help'], ['--version'], ['-h'], ['--bogus'], ['--quiet=false'], ['--quiet', '--quiet'],
    ['--outdir', '--quiet'], ['--outdir'], ['--constructor', 'x'], ['--toString'],
  ];
  for (const line of lines) assert.equal(readPlainOptions(line), undefined, line.join(' '));
});
