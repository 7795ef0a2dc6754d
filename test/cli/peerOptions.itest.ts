/**
 * Every option of cwltool 3.3 and Calrissian 0.18.1 through the CLI, on a
 * tiny tool (or a one-step workflow), as the catalogue (src/cli/peerOptions.ts)
 * says: a honoured one runs (or prints what it asks for), the ignored ones
 * run after one warning line each, an unsupported one is one line, exit 33.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PEER_OPTIONS, type PeerOption } from '../../src/cli/peerOptions.js';
import { runCli, scratch, type CliResult } from '../helpers/cli.js';

const FILES = {
  'tool.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  msg: {type: string, inputBinding: {position: 1}, default: hi}
outputs:
  out: {type: stdout}
`,
  'wf.cwl': `cwlVersion: v1.2
class: Workflow
inputs:
  msg: {type: string, default: hi}
outputs:
  o: {type: File, outputSource: s1/out}
steps:
  s1: {run: tool.cwl, in: {msg: msg}, out: [out]}
`,
  'job.yml': 'msg: hi\n',
  'overrides.yml': 'cwltool:overrides:\n  tool.cwl:\n    requirements:\n      EnvVarRequirement: {envDef: {A: b}}\n',
  'map.yml': 'a: b\n',
  'conf.json': '{}\n',
};

interface Case {
  /** The option's arguments, `{dir}` standing for the case's own directory. */
  readonly args: readonly string[];
  /** What runs: the tool (the default) or the workflow with its job file. */
  readonly workflow?: true;
  /** What the run shows besides exit 0 (default: an output object on stdout). */
  readonly check?: (r: CliResult, dir: string) => Promise<void> | void;
}

const outputObject = (r: CliResult): void => assert.match(r.stdout, /"class": "File"/, r.stderr);
const printed = (pattern: RegExp) => (r: CliResult): void => assert.match(r.stdout, pattern, r.stderr);

/** A case for every honoured option (the test below insists on it). */
const HONOURED: Readonly<Record<string, Case>> = {
  help: { args: ['--help'], check: printed(/Options:/) },
  outdir: { args: ['--outdir', '{dir}/out'], check: (r) => assert.match(r.stdout, /\/out\/[^/"]+\.stdout"/) },
  'write-summary': { args: ['-w', '{dir}/summary.json'], check: async (r, dir) => { assert.equal(r.stdout, ''); assert.match(await readFile(path.join(dir, 'summary.json'), 'utf8'), /"out"/); } },
  parallel: { args: ['--parallel'] },
  'enable-ext': { args: ['--enable-ext'] },
  'on-error': { args: ['--on-error', 'continue'] },
  'relax-path-checks': { args: ['--relax-path-checks'] },
  overrides: { args: ['--overrides', '{dir}/overrides.yml'] },
  'print-dot': { args: ['--print-dot'], workflow: true, check: printed(/^digraph/m) },
  'print-deps': { args: ['--print-deps'], workflow: true, check: (r) => assert.equal(JSON.parse(r.stdout).secondaryFiles[0].location, 'tool.cwl') },
  pack: { args: ['--pack'], workflow: true, check: printed(/"\$graph"/) },
  version: { args: ['--version'], check: printed(/^bespin /) },
  validate: { args: ['--validate'], check: printed(/is valid CWL/) },
  'print-supported-versions': { args: ['--print-supported-versions'], check: (r) => assert.equal(r.stdout, 'v1.0\nv1.1\nv1.2\n') },
  'print-targets': { args: ['--print-targets'], workflow: true, check: (r) => assert.equal(r.stdout, '  o\n  msg\n  s1\n  s1/out\n  s1/msg\n') },
  'make-template': { args: ['--make-template'], check: printed(/msg/) },
  'tool-help': { args: ['--tool-help'], check: printed(/--msg/) },
  verbose: { args: ['--verbose'] },
  'no-warnings': { args: ['--no-warnings', '--js-console'], check: (r) => { outputObject(r); assert.doesNotMatch(r.stderr, /WARNING/); } },
  quiet: { args: ['--quiet'] },
  debug: { args: ['--debug'] },
  'log-dir': { args: ['--log-dir', '{dir}/logs'] },
  timestamps: { args: ['--timestamps'] },
  'preserve-environment': { args: ['--preserve-environment', 'HOME'] },
  'preserve-entire-environment': { args: ['--preserve-entire-environment'] },
  'tmpdir-prefix': { args: ['--tmpdir-prefix', '{dir}/tmp-'] },
  'tmp-outdir-prefix': { args: ['--tmp-outdir-prefix', '{dir}/step-'] },
  cachedir: { args: ['--cachedir', '{dir}/cache'] },
  'rm-tmpdir': { args: ['--rm-tmpdir'] },
  'leave-tmpdir': { args: ['--leave-tmpdir'] },
  'move-outputs': { args: ['--move-outputs'] },
  'leave-outputs': { args: ['--leave-outputs'] },
  'copy-outputs': { args: ['--copy-outputs'] },
  'disable-user-provenance': { args: ['--disable-user-provenance'] },
  'disable-host-provenance': { args: ['--disable-host-provenance'] },
  strict: { args: ['--strict'] },
  'non-strict': { args: ['--non-strict'] },
  'doc-cache': { args: ['--doc-cache'] },
  'no-container': { args: ['--no-container'] },
  'enable-pull': { args: ['--enable-pull'] },
  'disable-pull': { args: ['--disable-pull'] },
  'force-docker-pull': { args: ['--force-docker-pull'] },
  'no-read-only': { args: ['--no-read-only'] },
  // With --no-container, so the case needs no image.
  'default-container': { args: ['--default-container', 'debian:stable-slim', '--no-container'] },
  'no-match-user': { args: ['--no-match-user'] },
  'strict-memory-limit': { args: ['--strict-memory-limit'] },
  'rm-container': { args: ['--rm-container'] },
  'leave-container': { args: ['--leave-container'] },
  'disable-color': { args: ['--disable-color'] },
  'disable-ga4gh-tool-registry': { args: ['--disable-ga4gh-tool-registry'] },
  'compute-checksum': { args: ['--compute-checksum'], check: printed(/"checksum": "sha1\$/) },
  'eval-timeout': { args: ['--eval-timeout', '5'] },
  'disable-js-validation': { args: ['--disable-js-validation'] },
  target: { args: ['-t', 'o'], workflow: true },
  'single-step': { args: ['--single-step', 's1'], workflow: true },
  'max-ram': { args: ['--max-ram', '1G'] },
  'max-cores': { args: ['--max-cores', '1'] },
  'max-gpus': { args: ['--max-gpus', '0'] },
  'pod-labels': { args: ['--pod-labels', '{dir}/map.yml'] },
  'pod-env-vars': { args: ['--pod-env-vars', '{dir}/map.yml'] },
  'pod-nodeselectors': { args: ['--pod-nodeselectors', '{dir}/map.yml'] },
  'pod-serviceaccount': { args: ['--pod-serviceaccount', 'runner'] },
  'usage-report': { args: ['--usage-report', '{dir}/usage.json'], check: async (r, dir) => { outputObject(r); JSON.parse(await readFile(path.join(dir, 'usage.json'), 'utf8')); } },
  stdout: { args: ['--stdout', '{dir}/stdout.json'], check: async (r, dir) => assert.equal(await readFile(path.join(dir, 'stdout.json'), 'utf8'), r.stdout) },
  stderr: { args: ['--stderr', '{dir}/stderr.txt'] },
  'tool-logs-basepath': { args: ['--tool-logs-basepath', '{dir}/tool-logs'] },
  conf: { args: ['--conf', '{dir}/conf.json'] },
};

/** Runs `work` over `items`, `width` at a time. */
async function eachAtOnce<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/** Runs the CLI in a fresh directory holding FILES: `args` then the document (and the workflow's job file). */
async function runIn(args: readonly string[], workflow: boolean, check: (r: CliResult, dir: string) => Promise<void> | void): Promise<void> {
  const dir = await scratch(FILES);
  try {
    const document = workflow ? ['wf.cwl', 'job.yml'] : ['tool.cwl'];
    const r = await runCli([...args.map((a) => a.replace('{dir}', dir)), ...document], { cwd: dir, timeoutMs: 60_000 });
    await check(r, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('every honoured option has a case here, and runs (or prints) as the peer would', async () => {
  const honoured = PEER_OPTIONS.filter((o) => o.treatment === 'honoured');
  assert.deepEqual(honoured.map((o) => o.name).filter((n) => !HONOURED[n]), [], 'honoured options without a case');
  const failures: string[] = [];
  await eachAtOnce(honoured, 4, (o) => {
    const c = HONOURED[o.name]!;
    return runIn(c.args, c.workflow ?? false, async (r, dir) => {
      try {
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /^(ERROR|WARNING --)/m);
        await (c.check ?? outputObject)(r, dir);
      } catch (error) {
        failures.push(`${c.args.join(' ')}: ${(error as Error).message}`);
      }
    });
  });
  assert.deepEqual(failures, []);
});

test('the ignored options, all on one command line, run the tool after one warning line each', async () => {
  const ignored = PEER_OPTIONS.filter((o) => o.treatment === 'accepted-ignored');
  const args = ignored.flatMap((o) => (o.value === 'required' ? [`--${o.name}`, 'x'] : [`--${o.name}`]));
  await runIn(args, false, (r) => {
    assert.equal(r.code, 0, r.stderr);
    outputObject(r);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('WARNING --'));
    assert.deepEqual(warnings, ignored.map((o) => `WARNING --${o.name} is ignored: ${o.note}`));
  });
});

test('each unsupported option is one line naming it, exit 33, and nothing runs', async () => {
  const unsupported = PEER_OPTIONS.filter((o) => o.treatment === 'unsupported');
  const failures: string[] = [];
  await eachAtOnce(unsupported, 4, (o: PeerOption) => runIn(o.value === 'required' ? [`--${o.name}`, 'x'] : [`--${o.name}`], false, (r) => {
    if (r.code !== 33 || r.stderr !== `ERROR --${o.name} is not supported: ${o.note}\n` || r.stdout !== '') failures.push(`--${o.name}: exit ${r.code}, ${r.stderr}`);
  }));
  assert.deepEqual(failures, []);
});

test('an unknown option is one line and exit 2, not the whole help', async () => {
  await runIn(['--frobnicate', '3'], false, (r) => {
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'bespin: error: unrecognized option --frobnicate; see bespin --help\n');
    assert.equal(r.stdout, '');
  });
});
