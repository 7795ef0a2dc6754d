import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch } from '../helpers/cli.js';
import { outputObject, runBoth } from '../helpers/cwltool.js';

/**
 * What cwltool 3.3 accepts on published documents, and bespin with it: each
 * case runs on both. Where bespin differs it is on purpose (the spec is
 * explicit, or bespin does more), and the test says so.
 */

const EXT = (version: string, where: string): string => `cwlVersion: ${version}
class: CommandLineTool
$namespaces: {cwltool: "http://commonwl.org/cwltool#"}
${where}:
  cwltool:TimeLimit: {timelimit: 20}
baseCommand: "true"
inputs: []
outputs: []
`;

const FILES = {
  'enum-iri.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  SchemaDefRequirement:
    types:
    - name: https://example.org/schema.yml#Mode
      type: enum
      symbols: [https://example.org/schema.yml#Mode/fast, https://example.org/schema.yml#Mode/slow]
baseCommand: echo
inputs:
  mode: {type: "https://example.org/schema.yml#Mode", inputBinding: {position: 1}}
outputs:
  out: {type: string, outputBinding: {glob: out.txt, loadContents: true, outputEval: '$(self[0].contents)'}}
stdout: out.txt
`,
  'enum-out.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements: {InlineJavascriptRequirement: {}}
baseCommand: "true"
inputs: []
outputs:
  picked:
    type: {type: enum, symbols: [fast, slow], name: Mode}
    outputBinding: {outputEval: '$("https://example.org/schema.yml#Mode/slow")'}
`,
  'null-items.cwl': `cwlVersion: v1.2
class: ExpressionTool
requirements: {InlineJavascriptRequirement: {}}
inputs:
  file: File
outputs:
  files: File[]
expression: '$({"files": [inputs.file, null]})'
`,
  'data.txt': 'some data\n',
  'graph.cwl': `cwlVersion: v1.2
$graph:
- id: one
  class: CommandLineTool
  baseCommand: "true"
  inputs: []
  outputs: []
- id: two
  class: CommandLineTool
  baseCommand: "false"
  inputs: []
  outputs: []
`,
  'ext-v1.0-req.cwl': EXT('v1.0', 'requirements'),
  'ext-v1.2-req.cwl': EXT('v1.2', 'requirements'),
  'ext-v1.2-hint.cwl': EXT('v1.2', 'hints'),
  'ext-secrets.cwl': `cwlVersion: v1.2
class: CommandLineTool
$namespaces: {cwltool: "http://commonwl.org/cwltool#"}
requirements:
  cwltool:Secrets: {secrets: [pw]}
baseCommand: "true"
inputs:
  pw: {type: string, default: hidden}
outputs: []
`,
};

const dir = await scratch(FILES);

describe("cwltool's leniency on published documents: enums", { concurrency: 2 }, () => {
  test('enum symbols written as full IRIs in the document match the short names a job gives', async () => {
    const { bespin, cwltool } = await runBoth(['--quiet', '--no-container', 'enum-iri.cwl', '-'], { cwd: dir, input: '{"mode": "fast"}' });
    assert.equal(bespin.code, 0, bespin.stderr);
    assert.equal(cwltool.code, 0);
    assert.deepEqual(outputObject(bespin), { out: 'fast\n' });
    assert.deepEqual(outputObject(bespin), outputObject(cwltool));
  });

  test('an enum value given as a full IRI is its short name (identifier resolution); cwltool refuses it', async () => {
    const job = '{"mode": "https://example.org/schema.yml#Mode/slow"}';
    const input = await runBoth(['--quiet', '--no-container', 'enum-iri.cwl', '-'], { cwd: dir, input: job });
    assert.equal(input.cwltool.code, 1, 'cwltool: not a valid Mode');
    assert.equal(input.bespin.code, 0, input.bespin.stderr);
    assert.deepEqual(outputObject(input.bespin), { out: 'slow\n' }, 'the tool sees the short name');
    const output = await runBoth(['--quiet', '--no-container', 'enum-out.cwl'], { cwd: dir });
    assert.equal(output.cwltool.code, 1, 'cwltool: not a valid Mode');
    assert.equal(output.bespin.code, 0, output.bespin.stderr);
    assert.deepEqual(outputObject(output.bespin), { picked: 'slow' });
  });
});

describe("cwltool's leniency on published documents: null items, $graph and extensions", { concurrency: 2 }, () => {
  test('null items in an array output are accepted as cwltool does, with a warning; --strict refuses them', async () => {
    const { bespin, cwltool } = await runBoth(['null-items.cwl', '--file', 'data.txt'], { cwd: dir });
    assert.equal(bespin.code, 0, bespin.stderr);
    assert.equal(cwltool.code, 0);
    assert.deepEqual(outputObject(bespin), outputObject(cwltool));
    assert.equal((outputObject(bespin) as { files: unknown[] }).files[1], null);
    assert.match(bespin.stderr, /null items in an array of type File\[\].*--strict/);
    const lenient = await runBoth(['--quiet', '--non-strict', 'null-items.cwl', '--file', 'data.txt'], { cwd: dir });
    assert.equal(lenient.bespin.code, 0);
    assert.equal(lenient.cwltool.code, 0);
    const strict = await runCli(['--strict', '--outdir', 'out-strict', 'null-items.cwl', '--file', 'data.txt'], { cwd: dir, timeoutMs: 240_000 });
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /^ERROR null-items(\.cwl)?: output 'files' should be File\[\], got an array with null items \(refused under --strict/m);
  });

  test('a $graph without #main: running it names the processes to choose from; --validate checks each', async () => {
    const run = await runBoth(['graph.cwl'], { cwd: dir, outdirs: false });
    assert.equal(run.bespin.code, 1);
    assert.equal(run.cwltool.code, 1);
    for (const r of [run.bespin, run.cwltool]) assert.match(r.stderr, /#one.*#two/);
    assert.equal(run.bespin.stderr.trim().split('\n').filter((l) => l.startsWith('ERROR')).length, 1);
    const validate = await runBoth(['--validate', 'graph.cwl'], { cwd: dir, outdirs: false });
    assert.equal(validate.bespin.code, 0, validate.bespin.stderr);
    assert.equal(validate.cwltool.code, 0);
    for (const r of [validate.bespin, validate.cwltool]) assert.match(r.stdout, /graph\.cwl#one is valid CWL\.\n.*graph\.cwl#two is valid CWL\./s);
    const one = await runBoth(['--quiet', 'graph.cwl#one'], { cwd: dir });
    assert.deepEqual([one.bespin.code, one.cwltool.code], [0, 0]);
  });

  test("--enable-ext gates cwltool's extensions in requirements as cwltool 3.3 does, per CWL version; hints pass", async () => {
    const cases: [string[], number][] = [
      [['ext-v1.0-req.cwl'], 1],
      [['--enable-ext', 'ext-v1.0-req.cwl'], 0],
      // v1.2 has the standard ToolTimeLimit; cwltool's extension schema for it has no TimeLimit.
      [['--enable-ext', 'ext-v1.2-req.cwl'], 1],
      [['ext-v1.2-hint.cwl'], 0],
      // Secrets is a hint only, even with --enable-ext.
      [['--enable-ext', 'ext-secrets.cwl'], 1],
    ];
    const results = await Promise.all(cases.map(([args]) => runBoth(['--quiet', '--no-container', ...args], { cwd: dir })));
    for (const [i, [args, code]] of cases.entries()) {
      assert.equal(results[i]!.cwltool.code, code, `cwltool ${args.join(' ')}`);
      assert.equal(results[i]!.bespin.code, code, `bespin ${args.join(' ')}: ${results[i]!.bespin.stderr}`);
    }
    assert.match(results[0]!.bespin.stderr, /^ERROR ext-v1\.0-req\.cwl: requirement cwltool:TimeLimit is a cwltool extension; run with --enable-ext/m);
    assert.match(results[2]!.bespin.stderr, /cwltool:TimeLimit is not among cwltool's extensions for CWL v1\.2/);
  });
});
