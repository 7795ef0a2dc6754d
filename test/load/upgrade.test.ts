import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProcess } from '../../src/load/loadProcess.js';
import { liftLoadContents, upgradeRequirements } from '../../src/load/upgrade.js';
import { ValidationError } from '../../src/errors.js';
import type { InputParameter, RecordType } from '../../src/model/types.js';

/** Writes a document into a fresh directory and returns its path. */
function documentFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bespin-upgrade-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('liftLoadContents', () => {
  it("moves inputBinding's loadContents to the parameter, the v1.1 place", () => {
    assert.deepEqual(liftLoadContents({ id: 'f', inputBinding: { loadContents: true, position: 1 } }), {
      id: 'f', inputBinding: { loadContents: true, position: 1 }, loadContents: true,
    });
  });

  it("keeps a parameter's own loadContents and leaves a binding without one alone", () => {
    assert.equal(liftLoadContents({ id: 'f', loadContents: false, inputBinding: { loadContents: true } }).loadContents, false);
    const plain = { id: 'f', inputBinding: { position: 1 } };
    assert.equal(liftLoadContents(plain), plain);
  });
});

describe('loading a v1.0 document', () => {
  it('loads contents for an input and a record field bound with loadContents', async () => {
    const file = documentFile('echo.cwl', [
      'cwlVersion: v1.0',
      'class: CommandLineTool',
      'baseCommand: echo',
      'inputs:',
      '  file1: {type: File, inputBinding: {loadContents: true}}',
      '  rec:',
      '    type:',
      '      type: record',
      '      fields:',
      '        inner: {type: File, inputBinding: {loadContents: true}}',
      'outputs: []',
    ].join('\n'));
    const process = await loadProcess(file);
    const inputs = new Map(process.inputs.map((p: InputParameter) => [p.id, p]));
    assert.equal(inputs.get('file1')?.loadContents, true);
    const rec = inputs.get('rec')?.type as RecordType;
    assert.equal(rec.fields[0]?.loadContents, true);
  });

  it('loads contents for a Workflow input bound with loadContents, which v1.0 allowed', async () => {
    const file = documentFile('wf.cwl', [
      'cwlVersion: v1.0',
      'class: Workflow',
      'inputs:',
      '  file1: {type: File, inputBinding: {loadContents: true}}',
      'outputs: []',
      'steps: []',
    ].join('\n'));
    const process = await loadProcess(file);
    assert.equal(process.inputs[0]?.loadContents, true);
  });

});

describe('secondaryFiles in a v1.0 document', () => {
  it("accepts a default File value's secondaryFiles list, a File's field in v1.0 too", async () => {
    const file = documentFile('sec.cwl', [
      'cwlVersion: v1.0',
      'class: CommandLineTool',
      'baseCommand: cat',
      'inputs:',
      '  f:',
      '    type: File',
      '    default:',
      '      class: File',
      '      location: main.txt',
      '      secondaryFiles: [{class: File, location: main.txt.idx}]',
      'outputs: []',
    ].join('\n'));
    const process = await loadProcess(file);
    const value = process.inputs[0]?.default as { secondaryFiles?: readonly { location: string }[] };
    assert.match(value.secondaryFiles?.[0]?.location ?? '', /main\.txt\.idx$/);
  });

  it('still refuses a secondaryFiles object on a parameter, which needs v1.1', async () => {
    const file = documentFile('secparam.cwl', [
      'cwlVersion: v1.0',
      'class: CommandLineTool',
      'baseCommand: cat',
      'inputs:',
      '  f: {type: File, secondaryFiles: [{pattern: .idx}]}',
      'outputs: []',
    ].join('\n'));
    await assert.rejects(loadProcess(file), /secondaryFiles entry given as an object needs cwlVersion v1\.1/);
  });

  it("refuses an expression as a binding's position in v1.0, input or argument, and takes it in v1.1", async () => {
    const tool = (version: string, binding: string): string => [
      `cwlVersion: ${version}`,
      'class: CommandLineTool',
      'requirements: {InlineJavascriptRequirement: {}}',
      'baseCommand: echo',
      ...(binding === 'arguments' ? ['arguments: [{valueFrom: x, position: $(1)}]', 'inputs: []'] : ['inputs:', '  a: {type: string, inputBinding: {position: $(1)}}']),
      'outputs: []',
    ].join('\n');
    for (const binding of ['inputs', 'arguments']) {
      await assert.rejects(loadProcess(documentFile('pos.cwl', tool('v1.0', binding))), /an expression as a binding's 'position' needs cwlVersion v1\.1, but the document declares v1\.0/);
      assert.equal((await loadProcess(documentFile('pos.cwl', tool('v1.1', binding)))).class, 'CommandLineTool');
    }
  });

  it("refuses the type shorthand 'string[][]' and 'string?[]' (one '[]', then one '?'), takes 'string[]?'", async () => {
    const tool = (type: string): string => ['cwlVersion: v1.2', 'class: CommandLineTool', 'baseCommand: echo', 'inputs:', `  m: '${type}'`, 'outputs: []'].join('\n');
    for (const type of ['string[][]', 'string?[]', 'string??']) {
      await assert.rejects(loadProcess(documentFile('t.cwl', tool(type))), new RegExp(`input 'm': unknown type '${type.replace(/[[\]?]/g, '\\$&')}'`));
    }
    const loaded = await loadProcess(documentFile('t.cwl', tool('string[]?')));
    assert.deepEqual(loaded.inputs[0]!.type, ['null', { type: 'array', items: 'string' }]);
  });
});

describe('upgradeRequirements', () => {
  it("reads a v1.0 document's cwltool extensions as the standard classes v1.1 made of them", () => {
    const hints = upgradeRequirements([
      { class: 'cwltool:TimeLimit', timelimit: 3 },
      { class: 'cwltool:InplaceUpdateRequirement', inplaceUpdate: true },
      { class: 'DockerRequirement', dockerPull: 'alpine' },
    ], 'v1.0', false, 'tool.cwl');
    assert.deepEqual(hints.map((h) => h.class), ['ToolTimeLimit', 'InplaceUpdateRequirement', 'DockerRequirement']);
    assert.equal(hints[0]?.timelimit, 3);
  });

  it('rejects a v1.1 class required by a v1.0 document, naming the version, and ignores it as a hint', () => {
    assert.throws(
      () => upgradeRequirements([{ class: 'ToolTimeLimit', timelimit: 3 }], 'v1.0', true, 'tool.cwl'),
      (e: unknown) => e instanceof ValidationError && /tool\.cwl: requirement ToolTimeLimit needs cwlVersion v1\.1/.test(e.message),
    );
    assert.deepEqual(upgradeRequirements([{ class: 'NetworkAccess', networkAccess: false }], 'v1.0', false, 'tool.cwl'), []);
  });

  it('leaves v1.1 and v1.2 documents alone', () => {
    const reqs = [{ class: 'ToolTimeLimit', timelimit: 3 }, { class: 'cwltool:TimeLimit', timelimit: 4 }];
    assert.deepEqual(upgradeRequirements(reqs, 'v1.1', true, 'tool.cwl'), reqs);
  });

  it('applies to a loaded v1.0 tool and its steps', async () => {
    const file = documentFile('wf.cwl', [
      'cwlVersion: v1.0',
      'class: Workflow',
      '$namespaces: {cwltool: "http://commonwl.org/cwltool#"}',
      'inputs: []',
      'outputs: []',
      'steps:',
      '  s:',
      '    hints: [{class: "cwltool:TimeLimit", timelimit: 5}]',
      '    in: []',
      '    out: []',
      '    run:',
      '      class: CommandLineTool',
      '      baseCommand: "true"',
      '      inputs: []',
      '      outputs: []',
      '      hints: [{class: "cwltool:InplaceUpdateRequirement", inplaceUpdate: true}]',
    ].join('\n'));
    const wf = await loadProcess(file);
    assert.equal(wf.class, 'Workflow');
    if (wf.class !== 'Workflow') return;
    const step = wf.steps[0]!;
    assert.deepEqual(step.hints.map((h) => h.class), ['ToolTimeLimit']);
    assert.ok(step.run.hints.some((h) => h.class === 'InplaceUpdateRequirement' && h.inplaceUpdate === true));
  });
});
