import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { outputObject, runBoth, runCwltool } from '../helpers/cwltool.js';

/**
 * cwltool's command line, run on bespin and on cwltool 3.3 with the same
 * tool and job: the output object and the exit code must agree (for --help,
 * --pack and --print-dot, the essential content).
 */

const SAY = (name: string): string => `${name}: {type: string, outputBinding: {glob: out.txt, loadContents: true, outputEval: '$(self[0].contents)'}}`;

const FILES = {
  'echo.cwl': `cwlVersion: v1.2
class: CommandLineTool
doc: Echo a record and a mode
baseCommand: echo
inputs:
  rec:
    type:
      type: record
      fields:
        name: {type: string, doc: the name, inputBinding: {position: 1}}
        count: {type: int, inputBinding: {position: 2}}
    inputBinding: {position: 1}
  mode: {type: {type: enum, symbols: [fast, slow]}, doc: the speed, inputBinding: {position: 3}}
  flag: {type: boolean, doc: a flag, inputBinding: {position: 4, prefix: --flag}}
outputs:
  ${SAY('out')}
stdout: out.txt
`,
  'say.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  msg: {type: string, inputBinding: {position: 1}}
outputs:
  ${SAY('out')}
stdout: out.txt
`,
  'wf.cwl': `cwlVersion: v1.2
class: Workflow
inputs: {a: string, b: string}
outputs:
  o1: {type: string, outputSource: s1/out}
  o2: {type: string, outputSource: s2/out}
steps:
  s1: {run: say.cwl, in: {msg: a}, out: [out]}
  s2: {run: say.cwl, in: {msg: b}, out: [out]}
`,
  'env.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [printenv, PARITY_VAR]
successCodes: [0, 1]
inputs: []
outputs:
  ${SAY('out')}
stdout: out.txt
`,
  'overrides.yml': `cwltool:overrides:
  env.cwl:
    requirements:
      EnvVarRequirement: {envDef: {PARITY_VAR: overridden}}
`,
  'container.cwl': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: debian:stable-slim}
  ResourceRequirement: {ramMin: 200}
baseCommand: [id, -u]
inputs: []
outputs:
  ${SAY('out')}
stdout: out.txt
`,
  'wf-job.json': '{"a": "first", "b": "second"}',
  'step-job.json': '{"msg": "alone"}',
};

const dir = await scratch(FILES);
const env = { ...process.env, PARITY_VAR: 'from-engine' };

/** Runs both and asserts the same exit code and output object; returns bespin's object. */
async function sameOutputs(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<unknown> {
  const { bespin, cwltool } = await runBoth(args, { cwd: dir, ...options });
  assert.equal(bespin.code, cwltool.code, `exit codes (bespin ${bespin.stderr.slice(-800)}\ncwltool ${cwltool.stderr.slice(-800)})`);
  const object = outputObject(bespin);
  assert.deepEqual(object, outputObject(cwltool));
  return object;
}

describe('cwltool parity: the command line: inputs, --help, --pack', { concurrency: 2 }, () => {
  test('record inputs as --rec.field value, enums and booleans after the document', async () => {
    const out = await sameOutputs(['--no-container', 'echo.cwl', '--rec.name', 'foo', '--rec.count', '3', '--mode', 'fast', '--flag']);
    assert.deepEqual(out, { out: 'foo 3 fast --flag\n' });
  });

  test("'-' reads the job object from standard input", async () => {
    const job = JSON.stringify({ rec: { name: 'piped', count: 7 }, mode: 'slow', flag: false });
    const out = await sameOutputs(['--no-container', 'echo.cwl', '-'], { input: job });
    assert.deepEqual(out, { out: 'piped 7 slow\n' });
  });

  test("tool.cwl --help prints the tool's own inputs, each with its doc, and runs nothing", async () => {
    const { bespin, cwltool } = await runBoth(['echo.cwl', '--help'], { cwd: dir, outdirs: false });
    assert.equal(bespin.code, 0);
    assert.equal(cwltool.code, 0);
    for (const text of ['usage:', '--rec.name', '--rec.count', '--mode', '--flag', 'the name', 'the speed', 'a flag', 'Echo a record and a mode', 'job_order']) {
      assert.ok(cwltool.stdout.includes(text), `cwltool prints ${text}`);
      assert.ok(bespin.stdout.includes(text), `bespin prints ${text}:\n${bespin.stdout}`);
    }
  });

  test('--pack prints one $graph with #main that runs like the original', async () => {
    const { bespin, cwltool } = await runBoth(['--pack', 'wf.cwl'], { cwd: dir, outdirs: false });
    assert.equal(bespin.code, 0, bespin.stderr);
    assert.equal(cwltool.code, 0);
    const shape = (text: string): unknown => {
      type Step = { run: string };
      const packed = JSON.parse(text) as { $graph: { id: string; class: string; steps?: Step[] | Record<string, Step> }[]; cwlVersion: string };
      const main = packed.$graph.find((p) => p.id === '#main')!;
      const runs = Object.values(main.steps ?? {}).map((s) => packed.$graph.find((p) => p.id === s.run)?.class);
      return { version: packed.cwlVersion, classes: packed.$graph.map((p) => p.class).sort(), mainClass: main.class, runs };
    };
    assert.deepEqual(shape(bespin.stdout), shape(cwltool.stdout));
    const packedFile = path.join(dir, 'packed.cwl');
    await writeFile(packedFile, bespin.stdout);
    const [packedRun, original] = await Promise.all([
      runCli(['--quiet', '--no-container', '--outdir', 'out-packed', 'packed.cwl', 'wf-job.json'], { cwd: dir, timeoutMs: 240_000 }),
      runCwltool(['--quiet', '--no-container', '--outdir', 'out-original', 'wf.cwl', 'wf-job.json'], { cwd: dir }),
    ]);
    assert.deepEqual(outputObject(packedRun), outputObject(original));
  });
});

describe('cwltool parity: the command line: --print-dot, --target, --single-step, the environment', { concurrency: 2 }, () => {
  test('--print-dot draws the workflow like cwltool, and refuses a single tool as cwltool does', async () => {
    const wf = await runBoth(['--print-dot', 'wf.cwl'], { cwd: dir, outdirs: false });
    assert.equal(wf.bespin.code, 0);
    assert.equal(wf.cwltool.code, 0);
    for (const edge of [/"a" -> "s1"/, /"b" -> "s2"/, /"s1" -> "(out:)?o1"/, /"s2" -> "(out:)?o2"/]) {
      assert.match(wf.cwltool.stdout, edge);
      assert.match(wf.bespin.stdout, edge);
    }
    const tool = await runBoth(['--print-dot', 'say.cwl'], { cwd: dir, outdirs: false });
    assert.equal(tool.cwltool.code, 1, 'cwltool: only Workflows can be visualized');
    assert.equal(tool.bespin.code, 1, tool.bespin.stderr);
    assert.match(tool.bespin.stderr, /--print-dot draws a Workflow; this is a CommandLineTool/);
    assert.equal(tool.bespin.stdout, '');
  });

  test('--target runs only what the named output needs; --single-step runs one step on its own inputs', async () => {
    const targeted = await sameOutputs(['--quiet', '--no-container', '--target', 'o1', 'wf.cwl', '-a', 'only']);
    assert.deepEqual(targeted, { o1: 'only\n' });
    const single = await sameOutputs(['--quiet', '--no-container', '--single-step', 's2', 'wf.cwl', 'step-job.json']);
    assert.deepEqual(single, { out: 'alone\n' });
  });

  test('--preserve-environment VAR and --preserve-entire-environment pass engine variables to tools; without them tools do not see them', async () => {
    assert.deepEqual(await sameOutputs(['--no-container', 'env.cwl'], { env }), { out: '' });
    assert.deepEqual(await sameOutputs(['--no-container', '--preserve-environment', 'PARITY_VAR', 'env.cwl'], { env }), { out: 'from-engine\n' });
    assert.deepEqual(await sameOutputs(['--no-container', '--preserve-entire-environment', 'env.cwl'], { env }), { out: 'from-engine\n' });
  });
});

describe('cwltool parity: the command line: overrides, container flags, usage errors', { concurrency: 2 }, () => {
  test('--overrides FILE replaces a requirement of the named tool; --write-summary FILE and --log-dir DIR', async () => {
    const args = ['--no-container', '--overrides', 'overrides.yml', 'env.cwl'];
    await Promise.all(['b', 'c'].map((d) => mkdir(path.join(dir, d))));
    const [bespin, cwltool] = await Promise.all([
      runCli(['--log-dir', 'b/logs', '--write-summary', 'b/summary.json', '--outdir', 'b/out', ...args], { cwd: dir, env, timeoutMs: 240_000 }),
      runCwltool(['--log-dir', 'c/logs', '--write-summary', 'c/summary.json', '--outdir', 'c/out', ...args], { cwd: dir, env }),
    ]);
    assert.equal(bespin.code, 0, bespin.stderr);
    assert.equal(cwltool.code, 0);
    // The summary file takes the output object's place on standard output.
    assert.equal(bespin.stdout, '');
    assert.equal(cwltool.stdout, '');
    const summary = async (who: string): Promise<unknown> => outputObject({ ...bespin, stdout: await readFile(path.join(dir, who, 'summary.json'), 'utf8') });
    assert.deepEqual(await summary('b'), { out: 'overridden\n' });
    assert.deepEqual(await summary('b'), await summary('c'));
    // bespin keeps each step's stdout/stderr log there (cwltool moves captured stdout there instead).
    assert.ok((await readdir(path.join(dir, 'b', 'logs'))).length > 0, 'a tool log in --log-dir');
  });

  test('container flags: --disable-pull, --no-match-user, --strict-memory-limit, --rm-container, --rm-tmpdir, --relax-path-checks', async () => {
    const out = await sameOutputs(['--quiet', '--disable-pull', '--no-match-user', '--strict-memory-limit', '--rm-container', '--rm-tmpdir', '--relax-path-checks', 'container.cwl']);
    // Without matching the user the image's own (root) runs the tool.
    assert.deepEqual(out, { out: '0\n' });
    const leave = await sameOutputs(['--quiet', '--no-container', '--leave-container', '--leave-tmpdir', 'say.cwl', '--msg', 'kept']);
    assert.deepEqual(leave, { out: 'kept\n' });
  });

  test('usage errors exit 2 in both; a cwltool flag bespin cannot honour is named with exit 33', async () => {
    const unknown = await runBoth(['--no-such-flag', 'say.cwl'], { cwd: dir, outdirs: false });
    assert.equal(unknown.bespin.code, 2);
    assert.equal(unknown.cwltool.code, 2);
    const [singularity, provenance] = await Promise.all([
      runCli(['--singularity', 'say.cwl', '--msg', 'x'], { cwd: dir, timeoutMs: 240_000 }),
      runCli(['--provenance', 'ro', 'say.cwl', '--msg', 'x'], { cwd: dir, timeoutMs: 240_000 }),
    ]);
    assert.equal(singularity.code, 33);
    assert.match(singularity.stderr, /^ERROR --singularity is not supported: .*Docker/);
    assert.equal(singularity.stderr.trim().split('\n').length, 1);
    assert.equal(provenance.code, 33);
    assert.match(provenance.stderr, /^ERROR --provenance is not supported/);
  });
});
