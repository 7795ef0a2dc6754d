import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { outputObject, runBoth } from '../helpers/cwltool.js';

/**
 * A run that fails after some steps finished, on bespin and on cwltool 3.3:
 * both print the partial output object (the finished steps' outputs, null
 * for the rest), move those outputs to --outdir and exit 1.
 */

const tool = (command: string, output: string): string => `
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, '${command}']
      inputs: {x: {type: 'File?', inputBinding: {position: 1}}}
      outputs: {out: {type: File, outputBinding: {glob: ${output}}}}`;

/** first → broken → after; alone depends on nothing. broken fails, and gives no output file. */
const WF = `cwlVersion: v1.2
class: Workflow
inputs: {}
outputs:
  first: {type: File, outputSource: first/out}
  broken: {type: File, outputSource: broken/out}
  after: {type: File, outputSource: after/out}
  alone: {type: File, outputSource: alone/out}
steps:
  first:${tool('echo first > a.txt', 'a.txt')}
    in: {}
    out: [out]
  broken:${tool('exit 3', 'b.txt')}
    in: {x: first/out}
    out: [out]
  after:${tool('cat $0 > d.txt', 'd.txt')}
    in: {x: broken/out}
    out: [out]
  alone:${tool('echo alone > c.txt', 'c.txt')}
    in: {}
    out: [out]
`;

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'exit 3']
inputs: []
outputs: {out: {type: File, outputBinding: {glob: out.txt}}}
`;

const files = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();

describe('a failed run keeps what finished, as cwltool', { concurrency: 2 }, () => {
  test('--on-error continue: the partial output object on stdout, the finished outputs in --outdir, exit 1', async () => {
    const dir = await scratch({ 'wf.cwl': WF });
    const { bespin, cwltool } = await runBoth(['--on-error', 'continue', 'wf.cwl'], { cwd: dir });
    assert.equal(cwltool.code, 1);
    assert.equal(bespin.code, 1, bespin.stderr);
    assert.deepEqual(outputObject(bespin), outputObject(cwltool));
    const printed = outputObject(bespin) as Record<string, { basename?: string; size?: number } | null>;
    assert.deepEqual([printed.first?.basename, printed.first?.size, printed.broken, printed.after, printed.alone?.basename], ['a.txt', 6, null, null, 'c.txt']);
    assert.deepEqual(await files(path.join(dir, 'out-bespin')), ['a.txt', 'c.txt']);
    assert.deepEqual(await files(path.join(dir, 'out-bespin')), await files(path.join(dir, 'out-cwltool')));
    const { first } = JSON.parse(bespin.stdout) as { first: { path: string } };
    assert.equal(await readFile(first.path, 'utf8'), 'first\n');
  });

  test('--write-summary FILE gets the partial output object in stdout\'s place; --stdout FILE gets it too', async () => {
    const dir = await scratch({ 'wf.cwl': WF });
    const r = await runCli(['--on-error', 'continue', '--outdir', 'out', '--write-summary', 'summary.json', '--stdout', 'copy.json', 'wf.cwl'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    const summary = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as Record<string, { basename?: string } | null>;
    assert.deepEqual(Object.keys(summary).sort(), ['after', 'alone', 'broken', 'first']);
    assert.equal(summary.first?.basename, 'a.txt');
    assert.equal(summary.broken, null);
    assert.equal(await readFile(path.join(dir, 'copy.json'), 'utf8'), await readFile(path.join(dir, 'summary.json'), 'utf8'));
  });

  test('a tool that fails without giving its output prints {}, as cwltool', async () => {
    const dir = await scratch({ 'tool.cwl': TOOL });
    const { bespin, cwltool } = await runBoth(['tool.cwl'], { cwd: dir });
    assert.equal(cwltool.code, 1);
    assert.equal(bespin.code, 1, bespin.stderr);
    assert.deepEqual(outputObject(bespin), {});
    assert.deepEqual(outputObject(bespin), outputObject(cwltool));
    assert.deepEqual(await files(path.join(dir, 'out-bespin')), []);
  });
});
