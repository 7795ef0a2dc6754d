/**
 * A Directory literal (`listing`, no `location`) given to a Workflow, from
 * the job file or as an input's default: the workflow writes it out, File
 * literals and nested literals included, so its steps read it and an output
 * passing it through lands in --outdir, as cwltool does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const catTool = [
  'cwlVersion: v1.2',
  'class: CommandLineTool',
  'baseCommand: cat',
  'arguments: [$(inputs.d.path)/a.txt, $(inputs.d.path)/inner/b.txt]',
  'inputs:',
  '  d: Directory',
  'stdout: out.txt',
  'outputs:',
  '  out: {type: stdout}',
].join('\n');

const workflow = (inputType: string): string => [
  'cwlVersion: v1.2',
  'class: Workflow',
  'inputs:',
  `  d: ${inputType}`,
  'outputs:',
  '  out: {type: File, outputSource: s/out}',
  '  d_out: {type: Directory, outputSource: d}',
  'steps:',
  '  s:',
  '    run: cat.cwl',
  '    in: {d: d}',
  '    out: [out]',
].join('\n');

const literal = '{class: Directory, basename: lit, listing: [{class: File, basename: a.txt, contents: "alpha\\n"}, '
  + '{class: Directory, basename: inner, listing: [{class: File, basename: b.txt, contents: "beta\\n"}]}]}';

interface Outputs { readonly out: { readonly path: string }; readonly d_out: { readonly path: string; readonly basename: string } }

async function run(files: Record<string, string>, args: readonly string[]): Promise<Outputs> {
  const dir = await scratch({ 'cat.cwl': catTool, ...files });
  const result = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), ...args.map((a) => path.join(dir, a))]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Outputs;
}

describe('a Directory literal given to a workflow', () => {
  for (const [how, files, args] of [
    ['from the job file', { 'wf.cwl': workflow('Directory'), 'job.yml': `d: ${literal}` }, ['wf.cwl', 'job.yml']],
    ['as the default of a workflow input', { 'wf.cwl': workflow(`{type: Directory, default: ${literal}}`) }, ['wf.cwl']],
  ] as const) {
    it(`${how} reaches its step and, passed through, lands in --outdir with its files`, async () => {
      const outputs = await run(files, args);
      assert.equal(await readFile(outputs.out.path, 'utf8'), 'alpha\nbeta\n');
      assert.equal(outputs.d_out.basename, 'lit');
      assert.equal(path.dirname(outputs.d_out.path), path.dirname(outputs.out.path));
      assert.equal(await readFile(path.join(outputs.d_out.path, 'inner', 'b.txt'), 'utf8'), 'beta\n');
    });
  }
});
