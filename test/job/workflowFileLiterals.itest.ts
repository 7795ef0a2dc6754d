/**
 * A File literal (`contents`, no `location`) given to a Workflow, from the
 * job file or as an input's default: the workflow writes it to a file, so
 * its steps read it and an output passing it through lands in --outdir, as
 * cwltool does.
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
  'inputs:',
  '  f: {type: File, inputBinding: {position: 1}}',
  'stdout: out.txt',
  'outputs:',
  '  out: {type: stdout}',
].join('\n');

function workflow(inputType: string, outputSource: string): string {
  return [
    'cwlVersion: v1.2',
    'class: Workflow',
    'inputs:',
    `  f: ${inputType}`,
    'outputs:',
    `  out: {type: File, outputSource: ${outputSource}}`,
    'steps:',
    '  s:',
    '    run: cat.cwl',
    '    in: {f: f}',
    '    out: [out]',
  ].join('\n');
}

interface OutFile { readonly path: string; readonly basename: string; readonly size: number }

async function run(files: Record<string, string>, args: readonly string[]): Promise<{ out: OutFile; text: string }> {
  const dir = await scratch({ 'cat.cwl': catTool, ...files });
  const result = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), ...args.map((a) => path.join(dir, a))]);
  assert.equal(result.code, 0, result.stderr);
  const out = (JSON.parse(result.stdout) as { out: OutFile }).out;
  return { out, text: await readFile(out.path, 'utf8') };
}

describe('a File literal given to a workflow', () => {
  it('from the job file reaches its step', async () => {
    const { text } = await run({
      'wf.cwl': workflow('File', 's/out'),
      'job.yml': 'f: {class: File, contents: "from the job\\n"}',
    }, ['wf.cwl', 'job.yml']);
    assert.equal(text, 'from the job\n');
  });

  it('as the default of a workflow input reaches its step', async () => {
    const { text } = await run({
      'wf.cwl': workflow('{type: File, default: {class: File, basename: d.txt, contents: "the default\\n"}}', 's/out'),
    }, ['wf.cwl']);
    assert.equal(text, 'the default\n');
  });

  it('passed straight to an output is written to --outdir under its basename', async () => {
    const { out, text } = await run({
      'wf.cwl': workflow('File', 'f'),
      'job.yml': 'f: {class: File, basename: lit.txt, contents: "passed through\\n"}',
    }, ['wf.cwl', 'job.yml']);
    assert.equal(out.basename, 'lit.txt');
    assert.equal(out.size, 15);
    assert.equal(text, 'passed through\n');
  });
});
