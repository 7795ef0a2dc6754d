/**
 * Permanent Kubernetes API failures end a run at once with one line naming
 * the verb and the resource — never "internal error", never a retry loop —
 * through the CLI on the stand-in, which answers what the test injects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RequestFault, TestCluster } from '../../cluster/index.js';
import { runCli, scratch } from '../../helpers/cli.js';
import { withKubernetesRun } from '../../helpers/kubernetesRun.js';

const ECHO = `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
baseCommand: [echo, hi]
inputs: []
outputs: []
`;

type Run = (args: string[], env?: Record<string, string>) => Promise<{ code: number | null; stderr: string; ms: number }>;

function withStandin(work: (c: TestCluster, run: Run, input: string) => Promise<void>): Promise<void> {
  return withKubernetesRun(({ cluster, run, input }) => work(cluster.standin!, (args, env) => run(args, env ? { env } : {}), input), 'standin');
}

const FAILING = `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}}
baseCommand: [sh, -c, 'echo "line from the pod"; exit 4']
inputs: []
outputs: []
`;

/** Runs echo.cwl on the stand-in with `fault` armed for the engine's requests; the run must fail (exit 1). */
function failingEcho(fault: RequestFault, check: (stderr: string, cluster: TestCluster) => void): Promise<void> {
  return withStandin(async (cluster, run, input) => {
    await writeFile(path.join(input, 'echo.cwl'), ECHO);
    cluster.faults.failNext({ ...fault, user: 'engine' });
    const r = await run([path.join(input, 'echo.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    check(r.stderr, cluster);
  });
}

function assertOneErrorLine(stderr: string, line: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('ERROR'));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0]!, line);
  assert.doesNotMatch(stderr, /internal error|HTTP-Code|at .*\.js:\d+/);
}

test('a 403 on creating a pod fails the run at once, naming the verb, the resource and the namespace', { timeout: 60_000 }, async () => {
  await failingEcho({ count: 100, code: 403, verb: 'create', resource: 'pods' }, (stderr, cluster) => {
    assertOneErrorLine(stderr, new RegExp(`^ERROR .*cannot create pods in namespace ${cluster.namespace}: forbidden \\(403\\): pods is forbidden: `));
    assert.equal(cluster.faults.pendingRequestFaults, 99, 'asked once, not retried');
  });
});

test('a 403 on listing pods ends the run with that line instead of restarting the pod informer forever', { timeout: 60_000 }, async () => {
  await failingEcho({ count: 1000, code: 403, verb: 'list', resource: 'pods' }, (stderr, cluster) => {
    assertOneErrorLine(stderr, new RegExp(`^ERROR .*cannot list pods in namespace ${cluster.namespace}: forbidden \\(403\\): `));
    assert.ok(1000 - cluster.faults.pendingRequestFaults <= 2, `listed ${1000 - cluster.faults.pendingRequestFaults} times`);
  });
});

test('a 403 on watching pods, after the list, ends the run too', { timeout: 60_000 }, async () => {
  await failingEcho({ count: 1000, code: 403, verb: 'watch', resource: 'pods' }, (stderr) => {
    assertOneErrorLine(stderr, /cannot watch pods in namespace \S+: forbidden \(403\)/);
  });
});

test('a malformed, missing or empty kubeconfig is one line naming the file, not an internal error', async () => {
  const dir = await scratch({
    'echo.cwl': ECHO,
    'bad.kubeconfig': 'apiVersion: v1\nclusters: [\n',
    'empty.kubeconfig': 'apiVersion: v1\nkind: Config\nclusters: []\n',
  });
  const cases: [string, RegExp][] = [
    ['bad.kubeconfig', /^ERROR kubeconfig .*bad\.kubeconfig: .+/],
    ['missing.kubeconfig', /^ERROR kubeconfig .*missing\.kubeconfig: not found /],
    ['empty.kubeconfig', /^ERROR kubeconfig .*empty\.kubeconfig: no current cluster/],
  ];
  for (const [file, line] of cases) {
    const r = await runCli(['--backend', 'kubernetes', '--pod-allow-root', path.join(dir, 'echo.cwl')], { env: { ...process.env, KUBECONFIG: path.join(dir, file) } });
    assert.equal(r.code, 1, r.stderr);
    assertOneErrorLine(r.stderr, line);
  }
});

test('a failed pod whose log cannot be read says so and why, in its failure message', { timeout: 60_000 }, async () => {
  await withStandin(async (cluster, run, input) => {
    await writeFile(path.join(input, 'failing.cwl'), FAILING);
    cluster.faults.failNext({ count: 100, code: 403, verb: 'get', resource: 'pods/log', user: 'engine' });
    // Not streamed: the whole log is read once the pod has ended.
    const r = await run([path.join(input, 'failing.cwl')], { CALRISSIAN_STREAM_LOGS: 'NO' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ERROR failing\.cwl: exited with code 4$/m);
    assert.match(r.stderr, /^\(the log of pod failing-cwl-[0-9a-f]+ could not be read: cannot get pods\/log failing-cwl-[0-9a-f]+ in namespace \S+: forbidden \(403\): .*\)$/m);
  });
});

test("a step pod's log lines reach the engine's log as records naming the step", { timeout: 60_000 }, async () => {
  await withStandin(async (_cluster, run, input) => {
    await writeFile(path.join(input, 'failing.cwl'), FAILING);
    const r = await run(['--debug', '--log-format', 'json', path.join(input, 'failing.cwl')]);
    assert.equal(r.code, 1, r.stderr);
    const records = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { step?: string; msg: string; level: number });
    assert.ok(records.some((x) => x.step === 'failing.cwl' && x.msg === '[failing.cwl] line from the pod' && x.level === 30), r.stderr);
    assert.doesNotMatch(r.stderr, /^\[failing\.cwl\] line from the pod$/m, 'not written raw');
  });
});
