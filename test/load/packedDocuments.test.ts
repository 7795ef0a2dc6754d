/**
 * Packed documents as cwltool loads them: an `$import` of a fragment of the
 * document itself, and a `$graph` entry with its own `$namespaces`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProcess } from '../../src/load/loadProcess.js';
import type { CommandLineTool, Workflow } from '../../src/model/types.js';

/** Writes a document into a fresh directory and returns its path. */
function documentFile(name: string, lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bespin-packed-'));
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** A packed workflow whose step runs `run`, next to the tool `#tool` (its lines come with `toolExtra`). */
function packed(run: string, toolExtra: readonly string[] = [], format = ''): string[] {
  return [
    'cwlVersion: v1.2',
    '$graph:',
    '  - id: tool',
    '    class: CommandLineTool',
    ...toolExtra,
    '    baseCommand: echo',
    '    inputs:',
    '      msg: {type: string, inputBinding: {position: 1}}',
    '    stdout: out.txt',
    '    outputs:',
    `      out: {type: stdout${format}}`,
    '  - id: main',
    '    class: Workflow',
    '    inputs:',
    '      msg: string',
    '    outputs:',
    '      out: {type: File, outputSource: s/out}',
    '    steps:',
    '      s:',
    `        run: ${run}`,
    '        in: {msg: msg}',
    '        out: [out]',
  ];
}

function stepTool(wf: unknown): CommandLineTool {
  const run = (wf as Workflow).steps[0]?.run;
  assert.equal(run?.class, 'CommandLineTool');
  return run as CommandLineTool;
}

describe('an $import of a fragment of the same packed document', () => {
  it("loads `{$import: '#tool'}` as that entry, no cycle", async () => {
    const wf = await loadProcess(documentFile('packed.cwl', packed('{$import: "#tool"}')));
    assert.deepEqual(stepTool(wf).baseCommand, ['echo']);
  });

  it('loads `$import: packed.cwl#tool` written inside packed.cwl', async () => {
    const wf = await loadProcess(documentFile('packed.cwl', packed('{$import: packed.cwl#tool}')));
    assert.deepEqual(stepTool(wf).baseCommand, ['echo']);
  });

  it('still refuses an entry that imports itself, in one line', async () => {
    const file = documentFile('self.cwl', [
      'cwlVersion: v1.2',
      '$graph:',
      '  - id: main',
      '    class: Workflow',
      '    inputs: []',
      '    outputs: []',
      '    steps:',
      '      s: {run: {$import: "#main"}, in: {}, out: []}',
    ]);
    await assert.rejects(loadProcess(file), (error: Error) => {
      assert.match(error.message, /\$import cycle through .*self\.cwl#main/);
      assert.equal(error.message.split('\n').length, 1);
      return true;
    });
  });
});

describe('a $graph entry with its own $namespaces', () => {
  it("loads, its prefixes expanded in that entry", async () => {
    const file = documentFile('ns.cwl', packed('"#tool"', ['    $namespaces: {edam: "http://edamontology.org/"}'], ', format: edam:format_1964'));
    const tool = stepTool(await loadProcess(file));
    assert.equal(tool.outputs[0]?.format, 'http://edamontology.org/format_1964');
  });
});

describe('a $graph entry that is not valid', () => {
  it('is refused in one line naming the field and its line', async () => {
    const file = documentFile('bad.cwl', packed('"#tool"', ['    $namespaces: {edam: "http://edamontology.org/"}', '    bogusField: 1']));
    await assert.rejects(loadProcess(file), (error: Error) => {
      assert.equal(error.message.split('\n').length, 1, error.message);
      assert.match(error.message, /bad\.cwl:6: invalid field bogusField/);
      return true;
    });
  });
});
