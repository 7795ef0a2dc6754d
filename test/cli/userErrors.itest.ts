import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { assertShorterThan, sleepingRun } from '../helpers/sleepingRun.js';

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  count: {type: int, inputBinding: {position: 1}}
  data: {type: File?, inputBinding: {position: 2}}
outputs: []
`;

const JS_TOOL = (expr: string): string => `cwlVersion: v1.2
class: CommandLineTool
requirements:
  InlineJavascriptRequirement: {}
baseCommand: echo
arguments: ["${expr}"]
inputs: []
outputs: []
`;

/** One message naming the problem, exit code 1, and no stack trace. */
function assertCleanFailure(result: { code: number | null; stderr: string }, pattern: RegExp, code = 1): void {
  assert.equal(result.code, code, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at .+\(.*:\d+:\d+\)/, 'stderr must not contain a stack trace');
  assert.doesNotMatch(result.stderr, /internal error/);
}

test('a missing required input names the input', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl')], { cwd: dir });
  assertCleanFailure(r, /missing required input 'count'/);
});

test('a value of the wrong type names the input and the expected type', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'job.yml': 'count: seven\n' });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl'), path.join(dir, 'job.yml')], { cwd: dir });
  assertCleanFailure(r, /input 'count': expected int, got "seven"/);
});

test('a job file that is not YAML names the file and line', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'job.yml': 'count: 1\ndata: [unclosed\n  - x: {\n' });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl'), path.join(dir, 'job.yml')], { cwd: dir });
  assertCleanFailure(r, /job\.yml:\d+:\d+: not valid YAML/);
});

test('an input file that does not exist names the input and the path', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl'), '--count', '1', '--data', 'nowhere.txt'], { cwd: dir });
  assertCleanFailure(r, /input 'data': file not found: .*nowhere\.txt/);
});

test('a document that does not exist is reported as such', async () => {
  const dir = await scratch({});
  const r = await runCli(['--quiet', path.join(dir, 'absent.cwl')], { cwd: dir });
  assertCleanFailure(r, /absent\.cwl: no such file/);
});

test('a document that is not CWL says so', async () => {
  const dir = await scratch({ 'notcwl.cwl': 'just: a mapping\nof: things\n' });
  const r = await runCli(['--quiet', path.join(dir, 'notcwl.cwl')], { cwd: dir });
  assertCleanFailure(r, /notcwl\.cwl: .*(missing 'cwlVersion'|not a CWL document)/);
});

test('an invalid field is reported with file:line by --validate', async () => {
  const dir = await scratch({ 'bad.cwl': `${TOOL}baseComand: oops\n` });
  const r = await runCli(['--validate', path.join(dir, 'bad.cwl')], { cwd: dir });
  assertCleanFailure(r, /bad\.cwl:8: invalid field baseComand/);
});

test('--validate accepts a valid document', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL });
  const r = await runCli(['--validate', path.join(dir, 'tool.cwl')], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /is valid CWL/);
});

test('an expression that throws names the expression', async () => {
  const dir = await scratch({ 'tool.cwl': JS_TOOL('${ throw new Error(\\"boom\\"); }') });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl')], { cwd: dir });
  assertCleanFailure(r, /throw new Error\("boom"\).*boom/s);
});

test('an expression that loops forever fails with a time-out instead of hanging', async () => {
  const dir = await scratch({ 'tool.cwl': JS_TOOL('${ while (true) {} }') });
  const [r, sleeping] = await Promise.all([runCli(['--quiet', '--eval-timeout', '1', path.join(dir, 'tool.cwl')], { cwd: dir, timeoutMs: 60_000 }), sleepingRun(4)]);
  assertCleanFailure(r, /while \(true\).*timed out/s);
  assertShorterThan(r, sleeping, 'ended by the 1 s --eval-timeout');
});

test('an unknown tool input on the command line names it: a usage error, exit 2, as cwltool', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL });
  const r = await runCli(['--quiet', path.join(dir, 'tool.cwl'), '--cont', '3'], { cwd: dir });
  assertCleanFailure(r, /unknown tool input '--cont'/, 2);
});

test('a cwltool extension bespin does not run exits 33; a requirement no schema defines is invalid, exit 1 (as cwltool)', async () => {
  const dir = await scratch({
    'mpi.cwl': TOOL.replace('baseCommand', '$namespaces: {cwltool: "http://commonwl.org/cwltool#"}\nrequirements:\n  cwltool:MPIRequirement: {processes: 2}\nbaseCommand'),
    'fancy.cwl': TOOL.replace('baseCommand', 'requirements:\n  FancyRequirement: {}\nbaseCommand'),
  });
  const mpi = await runCli(['--quiet', path.join(dir, 'mpi.cwl'), '--count', '1'], { cwd: dir });
  assert.equal(mpi.code, 33, mpi.stderr);
  assert.match(mpi.stderr, /unsupported requirement cwltool:MPIRequirement/);
  const fancy = await runCli(['--quiet', path.join(dir, 'fancy.cwl'), '--count', '1'], { cwd: dir });
  assert.equal(fancy.code, 1, fancy.stderr);
  assert.match(fancy.stderr, /requirement class 'FancyRequirement' is not defined/);
});

test('the kubeconfig KUBECONFIG names is the engine\'s own: a document that includes it, or a job that passes it, is refused', async () => {
  const dir = await scratch({
    'engine.kubeconfig': 'apiVersion: v1\n',
    'leak.cwl': 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\narguments: [{$include: engine.kubeconfig}]\ninputs: []\noutputs: []\n',
    'tool.cwl': TOOL,
  });
  const env = { ...process.env, KUBECONFIG: path.join(dir, 'engine.kubeconfig') };
  const included = await runCli(['--quiet', path.join(dir, 'leak.cwl')], { cwd: dir, env });
  assertCleanFailure(included, /engine\.kubeconfig.* is one of the engine's own files/);
  const passed = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), '--count', '1', '--data', path.join(dir, 'engine.kubeconfig')], { cwd: dir, env });
  assertCleanFailure(passed, /engine\.kubeconfig.* is one of the engine's own files/);
});
