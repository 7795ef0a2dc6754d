/**
 * A run that survives its engine (issue 22): the platform's engine Job, its
 * command line verbatim, with `cachedir` on the tmpout claim given in
 * ~/.calrissian/default.json and a backoffLimit of 1. The engine pod is
 * deleted in the middle of a 50-way scatter; the Job's next engine pod
 * reuses every step the first one finished and runs the rest, and the
 * output object is a clean run's. Then the engine is SIGKILLed instead, as
 * the OOM killer ends it: its pod stays, Failed, and the next engine pod
 * deletes the step pods it left.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { killContainerProcesses, platformCommand, runEngineJob } from './engineJob.js';
import { admin, importEngineImage, opened, setUpNamespace, stage, type Namespace } from './platformNamespace.js';

const WIDTH = 50;
const NAME = 'resume';
/** Each element sleeps 2 s and a quarter second more per index: the scatter ends over ~12 s, so a kill finds some done and some running. */
const WORKFLOW = `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs: {n: 'int[]'}
outputs: {out: {type: 'File[]', outputSource: work/out}}
steps:
  work:
    scatter: i
    in: {i: n}
    out: [out]
    run:
      class: CommandLineTool
      requirements:
        DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
        InlineJavascriptRequirement: {}
        ResourceRequirement: {coresMin: 0.02, coresMax: 0.02, ramMin: 16, ramMax: 16}
      inputs: {i: int}
      baseCommand: [sh, -c]
      arguments: ['sleep $(2 + inputs.i / 4); echo "item $(inputs.i)" > out-$(inputs.i).txt']
      outputs: {out: {type: File, outputBinding: {glob: 'out-*.txt'}}}
`;
const JOB = JSON.stringify({ n: Array.from({ length: WIDTH }, (_, i) => i) });

const HOME_CONF = { cachedir: '/calrissian/tmpout/cache' };

before(() => {
  admin();
  importEngineImage();
}, { timeout: 900_000 });
after(async () => { for (const close of opened) await close(); });

/** The scatter index a step pod runs, from its command line. */
function indexOf(pod: V1Pod): number {
  const c = pod.spec!.containers[0]!;
  const m = /out-(\d+)\.txt/.exec(JSON.stringify([c.command, c.args]));
  assert.ok(m, `pod ${pod.metadata!.name} runs a scatter element`);
  return Number(m[1]);
}

/** The scatter indices whose entries are in the cache now (complete markers only). */
async function cachedIndices(ns: Namespace): Promise<Set<number>> {
  const dir = path.join(ns.dirs.tmpout, 'cache');
  const names = await readdir(dir).catch(() => [] as string[]);
  const found = new Set<number>();
  for (const n of names.filter((f) => /^[0-9a-f]{64}\.json$/.test(f))) {
    const marker = JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { outputs: { out: { basename: string } } };
    found.add(Number(/out-(\d+)\.txt/.exec(marker.outputs.out.basename)![1]));
  }
  return found;
}

/** Whether a step pod's container has ended (the engine deletes it then, often before its phase says Succeeded). */
const ended = (pod: V1Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.containerStatuses?.[0]?.state?.terminated !== undefined;

/** Waits until an engine pod's container has ended (or the pod is gone). */
async function exitOf(ns: Namespace, pod: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (ns.deleted.has(pod) || ns.pods.get(pod)?.status?.containerStatuses?.[0]?.state?.terminated) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`engine pod ${pod} did not end within a minute of its deletion`);
}

const stepPods = (ns: Namespace): V1Pod[] => [...ns.pods.values()].filter((p) => p.metadata?.labels?.['bespin.io/run']);

/**
 * Calls `kill` once at least `cachedAtLeast` steps are in the cache and
 * `runningAtLeast` pods run, and every pod that ended is in the cache (none
 * is between its end and its entry), with the cached indices.
 */
async function midway(ns: Namespace, cachedAtLeast: number, runningAtLeast: number, kill: (cached: Set<number>) => Promise<void>): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const pods = stepPods(ns);
    const cached = await cachedIndices(ns);
    const running = pods.filter((p) => p.status?.phase === 'Running' && !ended(p));
    if (cached.size >= cachedAtLeast && running.length >= runningAtLeast && pods.filter(ended).every((p) => cached.has(indexOf(p)))) return kill(cached);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the scatter never had steps both cached and running');
}

interface OutFile { readonly basename: string; readonly checksum: string; readonly size: number; readonly path: string }

/** The run's output object as (basename, checksum, size), each File's bytes on the output claim checked against its checksum. */
async function outputFiles(ns: Namespace): Promise<{ basename: string; checksum: string; size: number }[]> {
  const outputs = JSON.parse(await readFile(path.join(ns.dirs.output, `${NAME}.cwl-outputs.json`), 'utf8')) as { out: OutFile[] };
  assert.equal(outputs.out.length, WIDTH);
  for (const f of outputs.out) {
    const bytes = await readFile(path.join(ns.dirs.output, f.path.slice('/calrissian/output-data/'.length)));
    assert.equal(`sha1$${createHash('sha1').update(bytes).digest('hex')}`, f.checksum, `${f.path} holds what its checksum says`);
  }
  return outputs.out.map(({ basename, checksum, size }) => ({ basename, checksum, size }));
}

test("the engine pod deleted mid-scatter under the platform's command line with cachedir: the Job's next pod reuses every finished step and gives a clean run's outputs", { timeout: 600_000 }, async (t) => {
  const started = Date.now();
  const clean = await setUpNamespace();
  await stage(clean, { [`${NAME}.cwl`]: WORKFLOW, 'job.json': JOB });
  const cleanRun = await runEngineJob(clean, platformCommand(NAME), 'platform', { homeConf: HOME_CONF, backoffLimit: 1 });
  assert.equal(cleanRun.status, 'Complete', await readFile(path.join(clean.dirs.output, `${NAME}.cwl-stderr.log`), 'utf8'));
  assert.equal(cleanRun.stepPods.length, WIDTH);
  const expected = await outputFiles(clean);
  t.diagnostic(`clean run: ${Math.round((Date.now() - started) / 1000)} s`);

  const ns = await setUpNamespace();
  await stage(ns, { [`${NAME}.cwl`]: WORKFLOW, 'job.json': JOB });
  const core = admin().config.makeApiClient(CoreV1Api);
  let atDeath: { cached: Set<number>; running: Set<string>; engine: string; finished: Set<number> } | undefined;
  const run = await runEngineJob(ns, platformCommand(NAME), 'platform', {
    homeConf: HOME_CONF, backoffLimit: 1,
    midRun: (enginePod) => midway(ns, 10, 5, async (cached) => {
      const running = new Set(stepPods(ns).filter((p) => !ended(p)).map((p) => p.metadata!.name!));
      await core.deleteNamespacedPod({ name: enginePod, namespace: ns.name });
      // What the dying engine finished is what it had cached when it exited: a step that ended just
      // before the signal may yet be cached. The Job's back-off keeps the next engine from adding to it.
      await exitOf(ns, enginePod);
      atDeath = { cached, running, engine: enginePod, finished: await cachedIndices(ns) };
    }),
  });
  const stderrFile = await readFile(path.join(ns.dirs.output, `${NAME}.cwl-stderr.log`), 'utf8');
  assert.equal(run.status, 'Complete', stderrFile);
  assert.ok(atDeath, 'the engine pod was deleted mid-run');
  const engines = [...ns.pods.values()].filter((p) => p.metadata?.labels?.['job-name'] === 'engine').map((p) => p.metadata!.name!);
  const job = await ns.launcher.batch.readNamespacedJob({ name: 'engine', namespace: ns.name });
  const phases = engines.map((e) => `${e} ${ns.pods.get(e)?.status?.phase} ${JSON.stringify(ns.pods.get(e)?.status?.containerStatuses?.[0]?.state)}${ns.deleted.has(e) ? ' deleted' : ''}`);
  assert.equal(engines.length, 2, `the Job started a second engine pod: deleted ${atDeath.engine}; seen ${phases.join('; ')}; Job ${JSON.stringify({ succeeded: job.status?.succeeded, failed: job.status?.failed })}`);
  const second = engines.find((e) => e !== atDeath!.engine)!;

  const pods = run.stepPods;
  const byOwner = (engine: string): V1Pod[] => pods.filter((p) => p.metadata!.ownerReferences?.[0]?.name === engine);
  const first = byOwner(atDeath.engine);
  const rerun = byOwner(second);
  t.diagnostic(`${Math.round((Date.now() - started) / 1000)} s in all; at the kill: ${atDeath.cached.size} cached, ${atDeath.running.size} not finished of ${first.length} created, ${atDeath.finished.size} cached at its exit; the second engine ran ${rerun.length}`);
  t.diagnostic(overlap(ns.pods.get(atDeath.engine), ns.pods.get(second)));
  t.diagnostic(deletedBy(ns.pods.get(atDeath.engine), first.filter((p) => atDeath!.running.has(p.metadata!.name!))));
  assert.equal(first.length + rerun.length, pods.length, 'every step pod is owned by one of the two engine pods');
  // The pods created in all: every element once, and again those not finished when the engine died.
  assert.ok([...atDeath.cached].every((i) => atDeath!.finished.has(i)) && atDeath.finished.size - atDeath.cached.size <= atDeath.running.size);
  assert.equal(pods.length, WIDTH + first.length - atDeath.finished.size, 'pods created in all: every element once, and again each not finished when the first engine exited');
  // No step whose output was in the cache ran again; every other ran exactly once more.
  const rerunIndices = rerun.map(indexOf).sort((a, b) => a - b);
  assert.deepEqual(rerunIndices.filter((i) => atDeath!.finished.has(i)), [], 'no cached step ran again');
  assert.deepEqual(rerunIndices, Array.from({ length: WIDTH }, (_, i) => i).filter((i) => !atDeath!.finished.has(i)), 'every step not cached ran once in the second engine pod');
  assert.equal((stderrFile.match(/reused from the cache/g) ?? []).length, atDeath.finished.size, stderrFile);
  // The first engine's step pods are all gone, and the second's.
  const left = pods.filter((p) => !ns.deleted.has(p.metadata!.name!)).map((p) => p.metadata!.name);
  assert.deepEqual(left, [], 'no step pod is left');

  assert.deepEqual(await outputFiles(ns), expected, "the output object is the clean run's");
  assert.deepEqual(stderrFile.split('\n').filter((l) => l.startsWith('ERROR')), [], 'the second engine pod says no error');
  // The first engine removed its job directories as it was cancelled: the tmpout claim holds the cache only.
  assert.deepEqual(await readdir(ns.dirs.tmpout), ['cache']);
});

test('the engine process SIGKILLed (as by the OOM killer) mid-scatter: its pod stays Failed, and the Job\'s next engine pod deletes the step pods it left, reuses what was cached and completes', { timeout: 600_000 }, async (t) => {
  // Twelve elements over the same 2 to 13 s as above.
  const indices = Array.from({ length: 12 }, (_, i) => 4 * i);
  const ns = await setUpNamespace();
  await stage(ns, { [`${NAME}.cwl`]: WORKFLOW, 'job.json': JSON.stringify({ n: indices }) });
  let atDeath: { cached: Set<number>; engine: string } | undefined;
  const run = await runEngineJob(ns, platformCommand(NAME), 'platform', {
    homeConf: HOME_CONF, backoffLimit: 1,
    midRun: (enginePod) => midway(ns, 3, 3, async () => {
      assert.ok(killContainerProcesses(ns.pods.get(enginePod)!) > 0, 'the engine had processes to kill');
      atDeath = { cached: await cachedIndices(ns), engine: enginePod };
    }),
  });
  const stderrFile = await readFile(path.join(ns.dirs.output, `${NAME}.cwl-stderr.log`), 'utf8');
  assert.equal(run.status, 'Complete', stderrFile);
  assert.ok(atDeath);
  const firstEngine = ns.pods.get(atDeath.engine)!;
  assert.equal(firstEngine.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 137, 'the first engine pod ended SIGKILLed');
  assert.equal(ns.deleted.has(atDeath.engine), false, 'and stays, Failed: the garbage collector never deletes its step pods');
  const first = run.stepPods.filter((p) => p.metadata!.ownerReferences?.[0]?.name === atDeath!.engine);
  const rerun = run.stepPods.filter((p) => p.metadata!.ownerReferences?.[0]?.name !== atDeath!.engine);
  t.diagnostic(`at the kill: ${atDeath.cached.size} cached of ${first.length} created; the second engine ran ${rerun.length}`);
  assert.match(stderrFile, new RegExp(`deleting \\d+ step pod\\(s\\) left by the ended engine pod\\(s\\) ${atDeath.engine} of this Job`));
  assert.deepEqual(first.filter((p) => !ns.deleted.has(p.metadata!.name!)).map((p) => p.metadata!.name), [], "no step pod of the killed engine is left");
  assert.deepEqual(rerun.map(indexOf).sort((a, b) => a - b), indices.filter((i) => !atDeath!.cached.has(i)), 'the second engine pod ran exactly the steps not cached');
  const outputs = JSON.parse(await readFile(path.join(ns.dirs.output, `${NAME}.cwl-outputs.json`), 'utf8')) as { out: OutFile[] };
  assert.deepEqual(outputs.out.map((f) => [f.basename, f.checksum]), indices.map((i) => [`out-${i}.txt`, `sha1$${createHash('sha1').update(`item ${i}\n`).digest('hex')}`]));
});

/** Who deleted the step pods cut short: the dying engine (asked before its exit), or the garbage collector after it. */
function deletedBy(engine: V1Pod | undefined, cut: V1Pod[]): string {
  const exit = Date.parse(String(engine?.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt));
  const byEngine = cut.filter((p) => p.metadata?.deletionTimestamp !== undefined && Date.parse(String(p.metadata.deletionTimestamp)) <= exit).length;
  return `the step pods not finished at the kill: ${byEngine} of ${cut.length} deleted by the engine before it exited`;
}

/** When the first engine's container ended against when the second's started (a watch gives times as strings). */
function overlap(first: V1Pod | undefined, second: V1Pod | undefined): string {
  const ended = first?.status?.containerStatuses?.[0]?.state?.terminated;
  const started = second?.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? second?.status?.containerStatuses?.[0]?.state?.terminated?.startedAt;
  return `first engine: exit ${ended?.exitCode ?? '?'} at ${String(ended?.finishedAt)}; second engine created ${String(second?.metadata?.creationTimestamp)}, started ${String(started)}`;
}
