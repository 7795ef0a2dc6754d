/**
 * Calrissian's operator surface on the local backend: the files the platform
 * reads (--stdout, --stderr, --usage-report, --tool-logs-basepath), conf
 * files and option values refused, and what a signal does. Each is checked
 * the way an operator sees it: through the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { schemaProblems } from '../../src/validate/schemas.js';
import { parseQuantityCores } from '../../src/model/quantity.js';

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
requirements:
  ResourceRequirement: {coresMin: 0.5, ramMin: 100}
baseCommand: [sh, -c, 'echo "to stderr $0" >&2; echo "to stdout $0"']
arguments: [$(inputs.word)]
inputs:
  word: string
outputs:
  out: {type: stdout}
stdout: out.txt
`;

const FAILING = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'echo "last words of the tool" >&2; exit 3']
inputs: []
outputs: {}
`;

test('--stdout and --stderr are tees: the terminal and the files both get everything, the files truncated first', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'err.log': 'stale line from an earlier run\n'.repeat(100), 'out.json': 'stale' });
  const r = await runCli(['--outdir', path.join(dir, 'o'), '--stdout', path.join(dir, 'out.json'), '--stderr', path.join(dir, 'err.log'), path.join(dir, 'tool.cwl'), '--word', 'hello']);
  assert.equal(r.code, 0, r.stderr);
  const file = await readFile(path.join(dir, 'out.json'), 'utf8');
  assert.equal(file, r.stdout, 'the --stdout file holds exactly what standard output shows');
  assert.equal((JSON.parse(file) as { out: { path: string } }).out.path, path.join(dir, 'o', 'out.txt'));
  const log = await readFile(path.join(dir, 'err.log'), 'utf8');
  assert.equal(log, r.stderr, 'the --stderr file holds exactly what standard error shows');
  assert.doesNotMatch(log, /stale/, 'truncated, not appended to');
  assert.match(log, /to stderr hello/, "the tool's own stderr is in it");
  assert.match(log, /Final process status is success/);
});

test('on failure the --stderr file names the step, the cause and the tool\'s last lines, and the --stdout file holds {}', async () => {
  const dir = await scratch({ 'fail.cwl': FAILING, 'out.json': '{"stale": true}' });
  const r = await runCli(['--stdout', path.join(dir, 'out.json'), '--stderr', path.join(dir, 'err.log'), path.join(dir, 'fail.cwl')]);
  assert.equal(r.code, 1);
  assert.equal(await readFile(path.join(dir, 'out.json'), 'utf8'), '{}\n');
  const log = await readFile(path.join(dir, 'err.log'), 'utf8');
  assert.match(log, /ERROR fail\.cwl: exited with code 3\nlast words of the tool/);
  assert.match(log, /Final process status is permanentFail/);
});

test('--usage-report writes Calrissian\'s report, valid against schemas/usage-report.schema.json, on success and on failure', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'fail.cwl': FAILING });
  const report = path.join(dir, 'usage.json');
  const ok = await runCli(['--max-cores', '1500m', '--max-ram', '2G', '--outdir', path.join(dir, 'o'), '--usage-report', report, path.join(dir, 'tool.cwl'), '--word', 'x']);
  assert.equal(ok.code, 0, ok.stderr);
  const usage = JSON.parse(await readFile(report, 'utf8')) as Record<string, unknown> & { children: Record<string, unknown>[] };
  assert.deepEqual(await schemaProblems('usage-report', usage), []);
  assert.equal(usage.cores_allowed, 1.5);
  assert.equal(usage.ram_mb_allowed, 2000, 'decimal megabytes, as Calrissian reports (2G is 2000)');
  assert.equal(usage.total_tasks, 1);
  const [task] = usage.children;
  assert.equal(task!.name, 'tool.cwl');
  assert.equal(task!.cpus, 0.5);
  assert.equal(task!.ram_megabytes, 100 * 2 ** 20 / 1e6);
  assert.equal(task!.exit_code, 0);
  assert.equal(usage.max_parallel_tasks, 1);

  const failed = await runCli(['--usage-report', report, path.join(dir, 'fail.cwl')]);
  assert.equal(failed.code, 1);
  const after = JSON.parse(await readFile(report, 'utf8')) as { children: { exit_code: number; cpus: number; ram_megabytes: number }[] };
  assert.deepEqual(await schemaProblems('usage-report', after), []);
  assert.deepEqual(after.children.map((c) => [c.exit_code, c.cpus, c.ram_megabytes]), [[3, 1, 256 * 2 ** 20 / 1e6]], "CWL's defaults: 1 core, 256 MiB");
});

test('--tool-logs-basepath keeps one log per step on the local backend', async () => {
  const dir = await scratch({ 'fail.cwl': FAILING });
  const logs = path.join(dir, 'logs');
  const r = await runCli(['--tool-logs-basepath', logs, path.join(dir, 'fail.cwl')]);
  assert.equal(r.code, 1);
  assert.deepEqual(await readdir(logs), ['fail.cwl.log']);
  assert.equal(await readFile(path.join(logs, 'fail.cwl.log'), 'utf8'), 'last words of the tool\n');
});

test('a conf file with keys bespin does not use runs with one warning naming them (Calrissian ignores them); a wrong type is refused', async () => {
  const dir = await scratch({ 'tool.cwl': TOOL, 'conf.json': JSON.stringify({ max_ram: '1G', max_rom: '2G', version: false }), 'typed.json': JSON.stringify({ debug: 'yes' }) });
  const r = await runCli(['--conf', path.join(dir, 'conf.json'), '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), '--word', 'x']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stderr.split('\n').filter((l) => l.includes('conf.json')), [`WARNING conf file ${path.join(dir, 'conf.json')}: ignoring keys bespin does not use: max_rom, version`]);
  const t = await runCli(['--conf', path.join(dir, 'typed.json'), path.join(dir, 'tool.cwl'), '--word', 'x']);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /^ERROR conf file .*typed\.json: \/debug: must be boolean/m);
  const home = await scratch({});
  await mkdir(path.join(home, '.calrissian'));
  await writeFile(path.join(home, '.calrissian', 'default.json'), '{ not json');
  const bad = await runCli([path.join(dir, 'tool.cwl'), '--word', 'x'], { env: { ...process.env, HOME: home } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /ERROR conf file .*\.calrissian\/default\.json: .*JSON/);
});

test('--max-cores takes Kubernetes CPU quantities; nonsense is one clear error', async () => {
  assert.equal(parseQuantityCores('500m'), 0.5);
  assert.equal(parseQuantityCores('2'), 2);
  assert.equal(parseQuantityCores('1.5'), 1.5);
  assert.throws(() => parseQuantityCores('x'), /--max-cores: 'x' is not a CPU quantity/);
  assert.throws(() => parseQuantityCores('0'), /is not a CPU quantity/);
  const dir = await scratch({ 'tool.cwl': TOOL });
  const r = await runCli(['--max-cores', 'lots', path.join(dir, 'tool.cwl'), '--word', 'x']);
  assert.equal(r.code, 2, 'a usage error, as argparse gives cwltool');
  assert.match(r.stderr, /^ERROR --max-cores: 'lots' is not a CPU quantity/m);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
});

test('--version names bespin and the CWL versions it runs', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^bespin \d+\.\d+\.\d+ \(CWL v1\.0, v1\.1, v1\.2/);
});

test('SIGTERM cancels the run: one line saying so, no process left, exit 143, the --stderr file says so too', async () => {
  const dir = await scratch({ 'slow.cwl': `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sleep, '31.4159']
inputs: []
outputs: {}
` });
  let pid = 0;
  let signalled = false;
  // Signalled once the step has started (its line), not after a guessed delay.
  const r = await runCli(['--stderr', path.join(dir, 'err.log'), path.join(dir, 'slow.cwl')], {
    onSpawn: (p) => { pid = p; },
    onStderr: (text) => { if (!signalled && /\[job slow\.cwl\] sleep 31\.4159/.test(text)) { signalled = true; process.kill(pid, 'SIGTERM'); } },
  });
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr, /^ERROR run cancelled by SIGTERM$/m);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.match(await readFile(path.join(dir, 'err.log'), 'utf8'), /ERROR run cancelled by SIGTERM/);
  const { execFileSync } = await import('node:child_process');
  assert.doesNotMatch(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }), /sleep 31\.4159/);
});
