/**
 * bespin beside Calrissian 0.18.1 on the real cluster: the same documents
 * and job, the same --max-cores/--max-ram, run by each engine from the host
 * as from its pod (a placeholder pod mounts the claims; CALRISSIAN_POD_NAME
 * names it). Then the usage reports, which the platform bills from, are
 * compared field by field, and the step pods' requests and limits pod by pod.
 * Needs Calrissian in a venv: CALRISSIAN (default
 * /opt/calrissian-venv/bin/calrissian; .ci/run installs it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, chmodSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { runEngine, type EngineName, type EngineRun } from './sideBySide.js';
import { placeholderPod, type EngineDirs } from '../helpers/enginePlaceholder.js';
import { openCluster, type ClusterUnderTest } from '../helpers/clusterUnderTest.js';

const IMAGE = 'docker.io/debian:stable-slim';

/** A scatter writing outputs of known sizes, a step stating fractional cores and a RAM range, and one stating nothing. */
const WORKFLOW = `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {sizes: 'int[]'}
outputs:
  blobs: {type: 'File[]', outputSource: blob/out}
  sized: {type: File, outputSource: sized/out}
  plain: {type: File, outputSource: plain/out}
steps:
  blob:
    scatter: size
    in: {size: sizes}
    out: [out]
    run:
      class: CommandLineTool
      hints: {DockerRequirement: {dockerPull: ${IMAGE}}}
      inputs: {size: int}
      arguments: [head, -c, $(inputs.size), /dev/zero]
      stdout: blob.bin
      outputs: {out: stdout}
  sized:
    in: {}
    out: [out]
    run:
      class: CommandLineTool
      hints: {DockerRequirement: {dockerPull: ${IMAGE}}}
      requirements: {ResourceRequirement: {coresMin: 0.5, coresMax: 1, ramMin: 100, ramMax: 200}}
      inputs: []
      arguments: [echo, sized]
      stdout: sized.txt
      outputs: {out: stdout}
  plain:
    in: {}
    out: [out]
    run:
      class: CommandLineTool
      hints: {DockerRequirement: {dockerPull: ${IMAGE}}}
      inputs: []
      arguments: [echo, plain]
      stdout: plain.txt
      outputs: {out: stdout}
`;

/** CWL v1.0's default RAM is 1,024 MiB (v1.1 on: 256). */
const V10_TOOL = `cwlVersion: v1.0
class: CommandLineTool
hints: {DockerRequirement: {dockerPull: ${IMAGE}}}
inputs: {message: {type: string, inputBinding: {position: 1}}}
baseCommand: echo
stdout: said.txt
outputs: {said: stdout}
`;

/** A step that fails: its exit code, and what finished before it, as both report them. */
const FAILING = `cwlVersion: v1.2
class: CommandLineTool
hints: {DockerRequirement: {dockerPull: ${IMAGE}}}
inputs: []
arguments: [sh, -c, 'echo partial; exit 3']
stdout: partial.txt
outputs: {out: stdout}
`;

const root = mkdtempSync(path.join(os.tmpdir(), 'bespin-parity-'));
chmodSync(root, 0o755);
const dirs: Required<EngineDirs> = { input: path.join(root, 'input'), tmpout: path.join(root, 'tmpout'), output: path.join(root, 'output') };
let cluster: ClusterUnderTest | undefined;

before(async () => {
  assert.ok(existsSync(process.env.CALRISSIAN ?? '/opt/calrissian-venv/bin/calrissian'), 'Calrissian 0.18.1 is installed (python3 -m venv /opt/calrissian-venv && /opt/calrissian-venv/bin/pip install calrissian==0.18.1)');
  for (const d of Object.values(dirs)) { mkdirSync(d); chmodSync(d, 0o777); }
  writeFileSync(path.join(dirs.input, 'wf.cwl'), WORKFLOW);
  writeFileSync(path.join(dirs.input, 'wf.json'), JSON.stringify({ sizes: [1_500_000, 2_500_000, 700] }));
  writeFileSync(path.join(dirs.input, 'v10.cwl'), V10_TOOL);
  writeFileSync(path.join(dirs.input, 'v10.json'), JSON.stringify({ message: 'hello' }));
  writeFileSync(path.join(dirs.input, 'failing.cwl'), FAILING);
  writeFileSync(path.join(dirs.input, 'failing.json'), '{}');
  cluster = await openCluster({
    kind: 'real', namespace: 'default',
    claims: { 'calrissian-input-data': { hostDir: dirs.input, readOnly: true }, 'calrissian-tmpout': { hostDir: dirs.tmpout }, 'calrissian-output-data': { hostDir: dirs.output } },
  });
  await placeholderPod(cluster, dirs);
}, { timeout: 300_000 });

after(async () => {
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function both(document: string): Promise<Record<EngineName, EngineRun>> {
  const runs: Partial<Record<EngineName, EngineRun>> = {};
  for (const engine of ['calrissian', 'bespin'] as const) runs[engine] = await runEngine(cluster!, dirs, engine, document);
  return runs as Record<EngineName, EngineRun>;
}

test('a scatter, a sized step and a plain one: the same usage report, field by field, and the same pod resources', { timeout: 600_000 }, async () => {
  const runs = await both('wf');
  assertSameRun(runs, 0);
  assert.deepEqual(childNames(runs.bespin), ['blob', 'blob_2', 'blob_3', 'plain', 'sized']);
  const blobs = children(runs.bespin).filter((c) => c.name.startsWith('blob')).map((c) => c.disk_megabytes).sort((x, y) => x - y);
  assert.deepEqual(blobs, [0.0007, 1.5, 2.5], 'disk_megabytes is the size of the outputs, in 10^6 bytes');
});

test('a v1.0 tool: 1,024 MiB by default, in the report and in the pod', { timeout: 300_000 }, async () => {
  const runs = await both('v10');
  assertSameRun(runs, 0);
  assert.equal(children(runs.bespin)[0]!.ram_megabytes, 1024 * 2 ** 20 / 1e6);
});

test('a failing step: the same exit code and the same report', { timeout: 300_000 }, async () => {
  const runs = await both('failing');
  assertSameRun(runs, 1);
  assert.equal(children(runs.bespin)[0]!.exit_code, 3);
});

interface Child { readonly name: string; readonly cpus: number; readonly ram_megabytes: number; readonly disk_megabytes: number; readonly exit_code: number; readonly start_time: string; readonly [key: string]: unknown }

const children = (run: EngineRun): Child[] => [...(run.report.children as Child[])].sort((a, b) => a.name.localeCompare(b.name));
const childNames = (run: EngineRun): string[] => children(run).map((c) => c.name);
/** The shape of a timestamp: its digits blanked, so that a zone or fraction present in one and not the other shows. */
const shape = (time: unknown): string => String(time).replace(/\d/g, '0');

/** Everything in the two reports that does not depend on when the pods ran, and every pod's resources. */
function assertSameRun(runs: Record<EngineName, EngineRun>, exitCode: number): void {
  const { bespin: b, calrissian: c } = runs;
  assert.equal(c.code, exitCode, `Calrissian exits ${exitCode}:\n${c.stderr}`);
  assert.equal(b.code, exitCode, `bespin exits ${exitCode}:\n${b.stderr}`);
  assert.deepEqual(Object.keys(b.report).sort(), Object.keys(c.report).sort(), 'the same top-level fields');
  for (const key of ['cores_allowed', 'ram_mb_allowed', 'total_tasks', 'total_disk_megabytes', 'max_parallel_tasks', 'max_parallel_cpus', 'max_parallel_ram_megabytes']) {
    assert.deepEqual(b.report[key], c.report[key], key);
  }
  assert.equal(shape(b.report.start_time), shape(c.report.start_time), 'start_time is written alike');
  // A scatter's jobs are named in the order they started (blob, blob_2, …), which differs from run to run:
  // the names are compared as a set, each task's fields under its step's name.
  assert.deepEqual(children(b).map((child) => child.name), children(c).map((child) => child.name), "cwltool's job names");
  const fields = (run: EngineRun): string[] => children(run).map(({ name, cpus, ram_megabytes, disk_megabytes, exit_code }) =>
    JSON.stringify({ step: name.replace(/_\d+$/, ''), cpus, ram_megabytes, disk_megabytes, exit_code })).sort();
  assert.deepEqual(fields(b), fields(c), 'the same tasks, requests, output sizes and exit codes');
  const keys = (run: EngineRun): string[][] => children(run).map((child) => Object.keys(child).sort());
  assert.deepEqual(keys(b), keys(c), "the same fields in every task's entry");
  assert.deepEqual(children(b).map((child) => shape(child.start_time)), children(c).map((child) => shape(child.start_time)), 'task times are written alike');
  assert.deepEqual(podResources(b.pods), podResources(c.pods), "the step pods' requests and limits");
}

/** Each step pod's requests and limits as numbers (cores, MiB), so '500m' and '0.5' compare equal. */
function podResources(pods: readonly V1Pod[]): string[] {
  const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
  const mib = (q: string): number => (q.endsWith('Mi') ? Number(q.slice(0, -2)) : q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q) / 2 ** 20);
  const numbers = (r: Record<string, string> | undefined): Record<string, number> =>
    Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, k === 'cpu' ? cpu(v) : k === 'memory' ? mib(v) : Number(v)]));
  return pods.map((p) => {
    const r = p.spec!.containers[0]!.resources ?? {};
    return JSON.stringify({ requests: numbers(r.requests), limits: numbers(r.limits) });
  }).sort();
}
