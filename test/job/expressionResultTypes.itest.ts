/**
 * An expression whose result has a type its field cannot take fails the
 * step with one message naming the field and what it gave (cwltool:
 * permanentFail, exit 1), instead of being turned into a string: a
 * `stdout: $(42)` used to write a file named `42`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

/** A v1.2 tool `touch a.txt a.txt.idx` with the given extra lines. */
function tool(lines: readonly string[], inputs = 'inputs: []'): string {
  return [
    'cwlVersion: v1.2',
    'class: CommandLineTool',
    'requirements: {InlineJavascriptRequirement: {}}',
    'baseCommand: touch',
    'arguments: [a.txt, a.txt.idx]',
    inputs,
    ...lines,
  ].join('\n');
}

async function run(document: string, job?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = await scratch({ 'tool.cwl': document, 'x.txt': 'x\n', 'job.json': job ?? '{}' });
  return runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), path.join(dir, 'job.json')]);
}

async function refused(document: string, pattern: RegExp, job?: string): Promise<void> {
  const result = await run(document, job);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /internal error/i);
}

describe('expression results of the wrong type', () => {
  it('stdout and stderr must be strings', async () => {
    await refused(tool(['outputs: {o: stdout}', 'stdout: $(42)']), /'stdout' expression must evaluate to a string, but it gave a number \(42\)/);
    await refused(tool(['outputs: {o: stderr}', 'stderr: ${return [1]}']), /'stderr' expression must evaluate to a string, but it gave an array \(\[1\]\)/);
  });

  it('stdin must be a string or null; null means no stdin', async () => {
    await refused(tool(['outputs: []', 'stdin: $(true)']), /'stdin' expression must evaluate to a string or null, but it gave a boolean \(true\)/);
    const ok = await run(tool(['outputs: []', 'stdin: $(null)']));
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('glob must be a string or an array of strings', async () => {
    await refused(tool(['outputs: {o: {type: File, outputBinding: {glob: $(42)}}}']), /output 'o'.*'glob' expression must evaluate to a string or an array of strings, but it gave a number \(42\)/);
    await refused(tool(['outputs: {o: {type: "File[]", outputBinding: {glob: "$([\'a.txt\', 3])"}}}']), /'glob' expression must evaluate to a string or an array of strings, but it gave an array \(\["a\.txt",3\]\)/);
  });

  it('secondaryFiles required must be a boolean or null', async () => {
    const outputs = 'outputs: {o: {type: File, outputBinding: {glob: a.txt}, secondaryFiles: [{pattern: .idx, required: "$(42)"}]}}';
    await refused(tool([outputs]), /'required' expression must evaluate to a boolean or null, but it gave a number \(42\)/);
    const inputs = 'inputs: {i: {type: File, secondaryFiles: [{pattern: .idx, required: "$(\'yes\')"}]}}';
    await refused(tool(['outputs: []'], inputs), /'required' expression must evaluate to a boolean or null, but it gave a string \("yes"\)/,
      JSON.stringify({ i: { class: 'File', path: 'x.txt' } }));
    // null is "not required", as cwltool reads it (the conformance test filesarray_secondaryfiles relies on it).
    const optional = await run(tool(['outputs: []'], 'inputs: {i: {type: File, secondaryFiles: [{pattern: .idx, required: "$(null)"}]}}'),
      JSON.stringify({ i: { class: 'File', path: 'x.txt' } }));
    assert.equal(optional.code, 0, optional.stderr);
  });

  it('an input format must be a string or an array of strings', async () => {
    const inputs = 'inputs: {i: {type: File, format: "$(42)"}}';
    await refused(tool(['outputs: []'], inputs), /'format' expression must evaluate to a string or an array of strings, but it gave a number \(42\)/,
      JSON.stringify({ i: { class: 'File', path: 'x.txt', format: 'http://example.com/x' } }));
    await refused(tool(['outputs: []'], inputs), /'format' expression must evaluate/, JSON.stringify({ i: { class: 'File', path: 'x.txt' } }));
  });
});
