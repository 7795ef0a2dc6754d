import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineTool, CwlType, InputParameter } from '../../src/model/types.js';
import { buildCommandLine } from '../../src/job/commandLine.js';

function tool(inputs: readonly InputParameter[]): CommandLineTool {
  return {
    class: 'CommandLineTool', id: 'file:///t.cwl', baseUri: 'file:///t.cwl', cwlVersion: 'v1.2', originalVersion: 'v1.2',
    inputs, outputs: [], requirements: [], hints: [], namespaces: {}, schemas: [],
    baseCommand: ['cat'], arguments: [], successCodes: [0], temporaryFailCodes: [], permanentFailCodes: [],
  };
}

const literal = async (text: unknown): Promise<unknown> => text;

/** A File that counts how often its `class` is read: once per type check, plus the reads that write its word. */
function countedFile(): { value: Record<string, unknown>; reads: () => number } {
  let reads = 0;
  const value = { location: 'file:///data/a.txt', path: '/data/a.txt' };
  Object.defineProperty(value, 'class', { get: () => { reads += 1; return 'File'; }, enumerable: true });
  return { value, reads: () => reads };
}

/** `depth` levels of optional arrays around a File: File[]?[]?... with the File at the bottom. */
function nested(depth: number, leaf: unknown): { type: CwlType; value: unknown } {
  let type: CwlType = 'File';
  let value = leaf;
  for (let i = 0; i < depth; i++) {
    type = ['null', { type: 'array', items: type }];
    value = [value];
  }
  return { type, value };
}

async function classReads(depth: number): Promise<{ words: string[]; reads: number }> {
  const file = countedFile();
  const { type, value } = nested(depth, file.value);
  const words = await buildCommandLine(tool([{ id: 'in', type, inputBinding: { position: 1 } }]), { in: value }, literal);
  return { words: words.map((w) => w.text), reads: file.reads() };
}

test('an input is type-checked once per command line, however many unions it is nested in', async () => {
  const shallow = await classReads(1);
  const deep = await classReads(4);
  assert.deepEqual(shallow.words, ['cat', '/data/a.txt']);
  assert.deepEqual(deep.words, ['cat', '/data/a.txt']);
  // Checking at every union would read the File's class once more per level.
  assert.equal(deep.reads, shallow.reads);
});

test('a union binds through the branch its value matched: the branch type\'s own binding applies', async () => {
  const flags: CwlType = { type: 'array', items: 'string', inputBinding: { prefix: '-f' } };
  const t = tool([{ id: 'x', type: ['null', 'int', flags], inputBinding: { position: 1 } }]);
  const words = await buildCommandLine(t, { x: ['a', 'b'] }, literal);
  assert.deepEqual(words.map((w) => w.text), ['cat', '-f', 'a', '-f', 'b']);
  const number = await buildCommandLine(t, { x: 3 }, literal);
  assert.deepEqual(number.map((w) => w.text), ['cat', '3']);
  await assert.rejects(buildCommandLine(t, { x: true }, literal), /value true does not match type/);
});

test('numbers are written in decimal notation, never with an exponent (as cwltool 3.3 writes YAML floats)', async () => {
  const t = tool([
    { id: 'a', type: 'float', inputBinding: { position: 1 } },
    { id: 'b', type: 'double', inputBinding: { position: 2 } },
    { id: 'c', type: 'double', inputBinding: { position: 3 } },
    { id: 'd', type: 'long', inputBinding: { position: 4 } },
    { id: 'e', type: { type: 'array', items: 'double' }, inputBinding: { position: 5, itemSeparator: ',' } },
    { id: 'f', type: 'double', inputBinding: { position: 6, prefix: '-x=', separate: false } },
  ]);
  const words = await buildCommandLine(t, {
    a: 9.999e-7, b: 1e21, c: -2.5e-10, d: 2 ** 53, e: [1.5, 1e-7, 3, 1e22], f: 1.25e+25,
  }, literal);
  assert.deepEqual(words.map((w) => w.text), [
    'cat', '0.0000009999', '1000000000000000000000', '-0.00000000025', '9007199254740992',
    '1.5,0.0000001,3,10000000000000000000000', '-x=12500000000000000000000000',
  ]);
});

test('a number from valueFrom is written in decimal notation too (the spec asks it of every float)', async () => {
  const t = { ...tool([]), arguments: [{ valueFrom: 'n', position: 1 }] };
  const words = await buildCommandLine(t, {}, async () => 1e-7);
  assert.deepEqual(words.map((w) => w.text), ['cat', '0.0000001']);
});
