/**
 * The openEO platform's way of running its CWL engine, on the real cluster of
 * test/realcluster/, with nothing changed but the image: the engine image is
 * built here and imported into the node, `kubectl apply -k` sets up a
 * namespace from deploy/base, a launcher (with only rbac/'s launcher Role)
 * stages the document with an alpine Job and `base64 -d`, then creates the
 * engine Job with the platform's command line verbatim and polls it until it
 * is Complete or Failed, and reads the results from the output claim.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { schemaProblems } from '../../src/validate/schemas.js';
import { platformCommand, runEngineJob, type EngineRun } from './engineJob.js';
import { IMAGE, REPO, admin, importEngineImage, opened, setUpNamespace, stage, type Namespace } from './platformNamespace.js';

const WORKFLOW = readFileSync(path.join(REPO, 'deploy/example/stage/example.cwl'), 'utf8');
const MiB = 2 ** 20;

/** The second: a launcher's, with the inputs on the command line. */
const launcherCommand = (name: string, inputs: string[]): string[] => [
  'calrissian', '--debug', '--max-ram', '2G', '--max-cores', '1',
  '--tmp-outdir-prefix', '/calrissian/tmpout/',
  '--outdir', `/calrissian/output-data/${name}`,
  `/calrissian/input-data/${name}.cwl`, ...inputs,
];

before(() => {
  admin();
  importEngineImage();
}, { timeout: 900_000 });
after(async () => { for (const close of opened) await close(); });

/** Every File and Directory path in an output object. */
function listedPaths(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) listedPaths(v, into);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ((o.class === 'File' || o.class === 'Directory') && typeof o.path === 'string') into.push(o.path);
    for (const v of Object.values(o)) listedPaths(v, into);
  }
  return into;
}

const onHost = (ns: Namespace, p: string): string => {
  assert.ok(p.startsWith('/calrissian/output-data/'), `${p} is on the output claim`);
  return path.join(ns.dirs.output, p.slice('/calrissian/output-data/'.length));
};

function assertNoStepPodLeft(ns: Namespace, run: EngineRun): void {
  assert.ok(run.stepPods.length > 0, 'step pods ran');
  const left = run.stepPods.filter((p) => !ns.deleted.has(p.metadata!.name!)).map((p) => p.metadata!.name);
  assert.deepEqual(left, [], 'no step pod is left');
}

const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const memMiB = (q: string): number => (q.endsWith('Mi') ? Number(q.slice(0, -2)) : q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q) / MiB);

test("the platform's command line, verbatim, as uid 1000 gid 0: a $graph workflow's outputs land on the output claim", { timeout: 900_000 }, async (t) => {
  const ns = await setUpNamespace();
  const name = 'eo-app';
  await stage(ns, { [`${name}.cwl`]: WORKFLOW, 'job.json': JSON.stringify({ items: ['red', 'green', 'blue'], title: 'platform run' }) });
  const run = await runEngineJob(ns, platformCommand(name), 'platform', { homeConf: { usage_report: `/calrissian/output-data/${name}.usage.json` } });
  const stderrFile = await readFile(path.join(ns.dirs.output, `${name}.cwl-stderr.log`), 'utf8');
  assert.equal(run.status, 'Complete', stderrFile);
  t.diagnostic(memoryLine(run));

  const outputs = JSON.parse(await readFile(path.join(ns.dirs.output, `${name}.cwl-outputs.json`), 'utf8')) as { stac: { class: string; path: string } };
  assert.equal(outputs.stac.class, 'Directory');
  assert.equal(outputs.stac.path, `/calrissian/output-data/${name}/stac`);
  const listed = listedPaths(outputs);
  for (const p of listed) assert.ok(existsSync(onHost(ns, p)), `${p} exists on the output claim`);
  const catalog = JSON.parse(await readFile(onHost(ns, `/calrissian/output-data/${name}/stac/catalog.json`), 'utf8')) as { type: string; description: string; links: { href: string }[] };
  assert.equal(catalog.type, 'Catalog');
  assert.equal(catalog.description, 'platform run');
  assert.deepEqual(catalog.links.map((l) => l.href).sort(), ['./blue/blue.json', './green/green.json', './red/red.json']);
  for (const item of ['red', 'green', 'blue']) {
    const itemPath = `/calrissian/output-data/${name}/stac/${item}/${item}.json`;
    assert.ok(listed.includes(itemPath), `${itemPath} is listed`);
    const feature = JSON.parse(await readFile(onHost(ns, itemPath), 'utf8')) as { id: string; properties: { home: string; tmp: string } };
    assert.equal(feature.id, item);
    assert.match(feature.properties.home, /^\/calrissian\/tmpout\/run-\w+\/[^/]+$/, 'HOME is the step\'s output directory, in the run\'s own directory in the tmpout prefix directory');
    assert.equal(feature.properties.tmp, '/tmp', "TMPDIR is the pod's own /tmp (no --tmpdir-prefix)");
  }

  // Each step's lines, and the engine's, are in the --stderr file.
  for (const item of ['red', 'green', 'blue']) {
    assert.match(stderrFile, new RegExp(`processing item ${item}`));
    assert.match(stderrFile, new RegExp(`catalogued ${item}`));
  }
  assert.match(stderrFile, /Final process status is success/);

  // The pods: as the platform asks (labels, env, force pull, requests; an emptyDir /tmp), owned by the engine's pod, all gone.
  const steps = run.stepPods;
  assert.equal(steps.length, 4, 'three scattered steps and the catalog');
  for (const p of steps) {
    const c = p.spec!.containers[0]!;
    assert.equal(p.metadata!.labels!['app.kubernetes.io/part-of'], 'bespin', '--pod-labels');
    assert.equal(c.env!.find((e) => e.name === 'CWL_ENGINE')?.value, 'bespin', '--pod-env-vars');
    assert.equal(c.env!.some((e) => e.name === 'PATH'), false, "the engine's PATH stays in the engine");
    assert.equal(c.imagePullPolicy, 'Always', '--force-docker-pull');
    assert.deepEqual(p.spec!.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 0, fsGroup: 0 });
    assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    assert.equal(p.metadata!.ownerReferences?.[0]?.name, run.enginePod);
    assert.ok(p.spec!.volumes!.some((v) => v.name === 'tmpdir' && v.emptyDir), 'an emptyDir for /tmp');
    assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, 'requests always set');
  }
  assertNoStepPodLeft(ns, run);

  await assertUsageReport(ns, name, steps);
  assertUnderLimit(run);
});

/** The usage report (asked for in ~/.calrissian/default.json) validates and matches the pods' requests. */
async function assertUsageReport(ns: Namespace, name: string, steps: readonly V1Pod[]): Promise<void> {
  const usage = JSON.parse(await readFile(path.join(ns.dirs.output, `${name}.usage.json`), 'utf8')) as { cores_allowed: number; ram_mb_allowed: number; children: { name: string; cpus: number; ram_megabytes: number; exit_code: number }[] };
  assert.deepEqual(await schemaProblems('usage-report', usage), []);
  assert.equal(usage.cores_allowed, 1000);
  assert.equal(usage.ram_mb_allowed, 128_000);
  const requested = steps.map((p) => {
    const r = p.spec!.containers[0]!.resources!.requests!;
    return [cpu(r.cpu!), memMiB(r.memory!) * MiB / 1e6].join(' ');
  }).sort();
  assert.deepEqual(usage.children.map((c) => [c.cpus, c.ram_megabytes].join(' ')).sort(), requested);
  assert.deepEqual(usage.children.map((c) => c.exit_code), [0, 0, 0, 0]);
}

test("a launcher's command line with inputs as flags, as uid 1000 gid 1000: the outputs are on the output claim", { timeout: 900_000 }, async (t) => {
  const ns = await setUpNamespace();
  const name = 'eo-launcher';
  await stage(ns, { [`${name}.cwl`]: WORKFLOW });
  const run = await runEngineJob(ns, launcherCommand(name, ['--items', 'alpha', '--items', 'beta', '--title', 'launcher run']), 'launcher');
  assert.equal(run.status, 'Complete', await engineLog(ns, run.enginePod));
  t.diagnostic(memoryLine(run));
  const catalog = JSON.parse(await readFile(path.join(ns.dirs.output, name, 'stac/catalog.json'), 'utf8')) as { description: string; links: unknown[] };
  assert.equal(catalog.description, 'launcher run');
  assert.equal(catalog.links.length, 2);
  for (const p of run.stepPods) assert.deepEqual(p.spec!.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
  // --max-cores 1: the two scattered steps (0.25 cores each) may overlap, the catalog (1 core) runs alone.
  assertNoStepPodLeft(ns, run);
  assertUnderLimit(run);
});

function memoryLine(run: EngineRun): string {
  return `engine pod ${run.enginePod}: peak resident memory ${(run.memory.rss / MiB).toFixed(1)} MiB, kernel peak with page cache ${(run.memory.peak / MiB).toFixed(1)} MiB (limit 256 MiB)`;
}

/** The engine's resident memory stayed well inside the platform's 256Mi (the kernel would have killed it at the limit). */
function assertUnderLimit(run: EngineRun): void {
  assert.ok(run.memory.rss > 10 * MiB, `the engine pod's memory was sampled: ${memoryLine(run)}`);
  assert.ok(run.memory.rss < 256 * MiB, memoryLine(run));
}

async function engineLog(ns: Namespace, pod: string): Promise<string> {
  return ns.launcher.core.readNamespacedPodLog({ name: pod, namespace: ns.name }).catch((e: unknown) => `(no log: ${String(e)})`);
}

test('a failing step: the Job ends Failed, the --stderr file names the step, the cause and the tool\'s last lines, --stdout holds the partial output object', { timeout: 900_000 }, async () => {
  const ns = await setUpNamespace();
  const name = 'eo-fails';
  await stage(ns, { [`${name}.cwl`]: WORKFLOW, 'job.json': JSON.stringify({ items: ['red', 'fail'] }) });
  const run = await runEngineJob(ns, platformCommand(name), 'platform');
  assert.equal(run.status, 'Failed');
  const stderrFile = await readFile(path.join(ns.dirs.output, `${name}.cwl-stderr.log`), 'utf8');
  assert.match(stderrFile, /^ERROR main\/process\S*: exited with code 4$/m);
  assert.match(stderrFile, /cannot process item fail: the input is corrupt/);
  assert.match(stderrFile, /Final process status is permanentFail/);
  // As cwltool (and so Calrissian): the outputs the run could give, null for the rest.
  assert.deepEqual(JSON.parse(await readFile(path.join(ns.dirs.output, `${name}.cwl-outputs.json`), 'utf8')), { stac: null });
  assertNoStepPodLeft(ns, run);
});

test('the engine pod deleted mid-run: every step pod goes', { timeout: 900_000 }, async () => {
  const ns = await setUpNamespace();
  const name = 'eo-deleted';
  await stage(ns, { [`${name}.cwl`]: WORKFLOW, 'job.json': JSON.stringify({ items: ['red', 'green'], delay: 600 }) });
  const core = admin().config.makeApiClient(CoreV1Api);
  const run = await runEngineJob(ns, platformCommand(name), 'platform', {
    midRun: async (enginePod) => { await core.deleteNamespacedPod({ name: enginePod, namespace: ns.name }); },
  });
  assert.equal(run.status, 'Failed');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const left = run.stepPods.filter((p) => !ns.deleted.has(p.metadata!.name!));
    if (left.length === 0) break;
    if (Date.now() > deadline) assert.fail(`step pods left a minute after the engine pod was deleted: ${left.map((p) => p.metadata!.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  // The engine was told (SIGTERM through tini) and said so in its --stderr file.
  const stderrFile = await readFile(path.join(ns.dirs.output, `${name}.cwl-stderr.log`), 'utf8');
  assert.match(stderrFile, /ERROR run cancelled by SIGTERM; its step pods were deleted/);
  assert.deepEqual(JSON.parse(await readFile(path.join(ns.dirs.output, `${name}.cwl-outputs.json`), 'utf8')), { stac: null });
});

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Three routes from a document to the engine pod's service-account token (issue 19): each must be refused, nothing of it anywhere. */
const TOKEN_ROUTES: Readonly<Record<string, string>> = {
  'token-include': `cwlVersion: v1.2
class: CommandLineTool
inputs: []
outputs: []
baseCommand: echo
arguments: [{$include: ${TOKEN}}]
`,
  'token-link': `cwlVersion: v1.2
class: CommandLineTool
requirements: {DockerRequirement: {dockerPull: docker.io/debian:stable-slim}, InlineJavascriptRequirement: {}}
baseCommand: [ln, -s, ${TOKEN}, token]
inputs: []
outputs:
  t: {type: string, outputBinding: {glob: token, loadContents: true, outputEval: '$(self[0].contents)'}}
`,
  'token-staged': `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
  InlineJavascriptRequirement: {}
  InitialWorkDirRequirement:
    listing:
      - {entryname: token, writable: true, entry: '\${ return {"class": "File", "location": "file://${TOKEN}"}; }'}
baseCommand: [cat, token]
stdout: out.txt
inputs: []
outputs: {out: stdout}
`,
};

test("a hostile document under the platform's command line reads nothing of the engine pod's token: $include, a step's symlink, a staged copy", { timeout: 900_000 }, async () => {
  for (const [name, doc] of Object.entries(TOKEN_ROUTES)) {
    // A namespace each: the stage and engine Jobs have fixed names.
    const ns = await setUpNamespace();
    await stage(ns, { [`${name}.cwl`]: doc, 'job.json': '{}' });
    const run = await runEngineJob(ns, platformCommand(name), 'platform');
    assert.equal(run.status, 'Failed', name);
    const stderrFile = await readFile(path.join(ns.dirs.output, `${name}.cwl-stderr.log`), 'utf8');
    const errors = stderrFile.split('\n').filter((l) => l.startsWith('ERROR'));
    assert.equal(errors.length, 1, `${name}: ${stderrFile}`);
    assert.match(errors[0]!, /token \(it resolves to \/\S+\) (is one of the engine's own files|is on no mounted volume)/, name);
    for (const dir of [ns.dirs.output, ns.dirs.tmpout]) {
      for (const f of await readdir(dir, { recursive: true }).catch(() => [] as string[])) {
        const text = await readFile(path.join(dir, f), 'utf8').catch(() => '');
        // A service-account token is a JWT: base64 of '{"alg"…', always 'eyJ'.
        assert.doesNotMatch(text, /eyJhbGci/, `${name}: the token reached ${path.join(dir, f)}`);
      }
    }
    // $include is refused at load and a staged copy before its pod: no step pod at all; the link's pod ran and is gone.
    if (name === 'token-link') assertNoStepPodLeft(ns, run);
    else assert.deepEqual(run.stepPods, [], `${name}: refused before any step pod`);
  }
});

test("README's steps: deploy/example/stage and deploy/example/run applied as they are", { timeout: 900_000 }, async () => {
  const ns = await setUpNamespace();
  const root = await mkdtemp(path.join(os.tmpdir(), 'bespin-example-'));
  opened.push(() => rm(root, { recursive: true, force: true }));
  const kubectl = (...args: string[]): string => {
    const r = spawnSync('kubectl', ['--kubeconfig', admin().kubeconfig, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // Only the namespace (and, for the run, this build's image tag) differ from the README's commands.
  for (const [part, extra] of [['stage', ''], ['run', `images:\n  - {name: bespin/engine, newTag: ${IMAGE.split(':')[1] ?? 'latest'}}\n`]] as const) {
    const overlay = path.join(root, part);
    execFileSync('mkdir', ['-p', overlay]);
    await writeFile(path.join(overlay, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${ns.name}
resources:
  - ${path.relative(overlay, path.join(REPO, 'deploy/example', part))}
${extra}`);
    kubectl('apply', '-k', overlay);
    kubectl('-n', ns.name, 'wait', '--for=condition=complete', `job/bespin-${part}`, '--timeout=300s');
  }
  const outputs = JSON.parse(await readFile(path.join(ns.dirs.output, 'example.cwl-outputs.json'), 'utf8')) as { stac: { path: string } };
  assert.equal(outputs.stac.path, '/calrissian/output-data/example/stac');
  const catalog = JSON.parse(await readFile(path.join(ns.dirs.output, 'example/stac/catalog.json'), 'utf8')) as { description: string; links: { href: string }[] };
  assert.equal(catalog.description, 'bespin example');
  assert.deepEqual(catalog.links.map((l) => l.href).sort(), ['./blue/blue.json', './green/green.json', './red/red.json']);
});
