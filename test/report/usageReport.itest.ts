/**
 * --usage-report of a real run, as Calrissian reports the same workflow: a
 * v1.0 tool naming no RAM requests cwltool's v1.0 default of 1024 MiB, jobs
 * are named s1, s1_2, …, and disk is what the outputs weigh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

const TOOL = `cwlVersion: v1.0
class: CommandLineTool
baseCommand: echo
inputs:
  x: {type: string, inputBinding: {position: 1}}
outputs:
  out: stdout
stdout: out.txt
`;

const WORKFLOW = `cwlVersion: v1.0
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
inputs:
  xs:
    type: string[]
outputs:
  o:
    type: File[]
    outputSource: s1/out
steps:
  s1:
    run: tool.cwl
    scatter: x
    in: {x: xs}
    out: [out]
`;

test('a v1.0 scatter: names s1, s1_2, s1_3, 1024 MiB each, disk the bytes of each out.txt', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'wf.cwl': WORKFLOW });
  const report = path.join(dir, 'usage.json');
  const r = await runCli(['--outdir', path.join(dir, 'o'), '--usage-report', report, path.join(dir, 'wf.cwl'), '--xs', 'a', '--xs', 'bbbb', '--xs', 'cccccccc']);
  assert.equal(r.code, 0, r.stderr);
  const usage = JSON.parse(await readFile(report, 'utf8')) as { children: { name: string; ram_megabytes: number; disk_megabytes: number }[] };
  const rows = usage.children.map((c) => [c.name, c.ram_megabytes, c.disk_megabytes] as const).sort((a, b) => a[0].localeCompare(b[0]));
  assert.deepEqual(rows.map((row) => row[0]), ['s1', 's1_2', 's1_3']);
  for (const row of rows) assert.equal(row[1], 1024 * 2 ** 20 / 1e6, 'v1.0 default RAM, in decimal megabytes');
  // echo writes its word and a newline; which element got which name depends on start order.
  assert.deepEqual(rows.map((row) => row[2]).sort(), [2e-6, 5e-6, 9e-6]);
});

const FAILING = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'echo partial; exit 3']
inputs: []
outputs:
  out: stdout
  missing:
    type: File?
    outputBinding: {glob: $(inputs.glob)}
stdout: partial.txt
`;

async function failedDisk(dir: string, glob: string): Promise<number> {
  const report = path.join(dir, `usage-${glob}.json`);
  const tool = FAILING.replace('$(inputs.glob)', glob).replace('File?', glob === 'partial.txt' ? 'File?' : 'File');
  await writeFile(path.join(dir, `${glob}.cwl`), tool);
  const r = await runCli(['--outdir', path.join(dir, `o-${glob}`), '--usage-report', report, path.join(dir, `${glob}.cwl`)]);
  assert.equal(r.code, 1, r.stderr);
  const usage = JSON.parse(await readFile(report, 'utf8')) as { children: { disk_megabytes: number }[] };
  assert.equal(usage.children.length, 1);
  return usage.children[0]!.disk_megabytes;
}

test('a tool that exits with a failing code: disk is what its collected outputs weigh, as Calrissian counts them', async () => {
  const dir = await scratch({});
  // out (8 bytes) and the same file again as `missing`: 16 bytes collected.
  assert.equal(await failedDisk(dir, 'partial.txt'), 16e-6);
  // A required output that matches nothing: nothing is collected, nothing counted.
  assert.equal(await failedDisk(dir, 'nothere.txt'), 0);
});
