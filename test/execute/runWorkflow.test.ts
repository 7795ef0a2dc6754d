/**
 * runWorkflow with exactly what it needs built here, and a backend that runs
 * nothing: no process, container or cluster. The backend plays each tool by
 * writing the files the tool would have written into the job's output
 * directory; everything else is the engine's own (planner, scatter, job
 * building, output collection, scratch space, resource pool, progress).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Backend, ExecutionPlaceKind, JobOutcome, PathLayout } from '../../src/backends/backend.js';
import { toolOutputs } from '../../src/collect/toolOutputs.js';
import { DEFAULT_BACKOFF } from '../../src/execute/retryPolicy.js';
import type { RunContext } from '../../src/execute/runContext.js';
import { runProcess } from '../../src/execute/runProcess.js';
import { runWorkflow } from '../../src/execute/runWorkflow.js';
import { ScratchSpace } from '../../src/execute/scratchSpace.js';
import { ToolRunner } from '../../src/execute/toolRunner.js';
import { ExpressionEngines } from '../../src/expressions/engines.js';
import { pathToUri } from '../../src/files/uri.js';
import type { CommandLineJob } from '../../src/job/commandLineJob.js';
import { SecretMask } from '../../src/job/secrets.js';
import { DEFAULT_DOWNLOAD_LIMITS } from '../../src/files/http.js';
import { NO_ONTOLOGIES } from '../../src/load/formats.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';
import { loadProcess } from '../../src/load/loadProcess.js';
import { RemoteInputs } from '../../src/files/remoteInputs.js';
import type { Workflow } from '../../src/model/types.js';
import { Progress } from '../../src/report/progress.js';
import { ResourcePool } from '../../src/schedule/resourcePool.js';

/**
 * Two steps and a scatter, with files: `shout` runs once per word (each
 * element reads the note and writes WORD.txt), and `count` takes all of
 * their files and writes a summary to its stdout. Parameter references only:
 * no JavaScript, so no sandbox either.
 */
const WORKFLOW = `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs:
  words: string[]
  note: File
outputs:
  shouts: {type: 'File[]', outputSource: shout/out}
  summary: {type: File, outputSource: count/summary}
steps:
  shout:
    scatter: word
    in: {word: words, note: note}
    out: [out]
    run:
      class: CommandLineTool
      baseCommand: shout
      inputs:
        word: {type: string, inputBinding: {position: 1}}
        note: {type: File, inputBinding: {position: 2}}
      outputs:
        out: {type: File, outputBinding: {glob: $(inputs.word).txt}}
  count:
    in: {files: shout/out}
    out: [summary]
    run:
      class: CommandLineTool
      baseCommand: count
      inputs:
        files: {type: 'File[]', inputBinding: {position: 1}}
      stdout: summary.txt
      outputs:
        summary: stdout
`;

/** What each tool of the workflow would write, given its argv (paths as the process sees them, here the host's). */
const TOOLS: Readonly<Record<string, (args: readonly string[], job: CommandLineJob) => void>> = {
  shout: ([word, note], job) => {
    writeFileSync(path.join(job.dirs.hostOutdir, `${word}.txt`), `${word!.toUpperCase()}: ${readFileSync(note!, 'utf8')}`);
  },
  count: (files, job) => {
    writeFileSync(path.join(job.dirs.hostOutdir, job.stdout!), `${files.length} files: ${files.map((f) => path.basename(f)).join(' ')}\n`);
  },
};

/**
 * A backend in memory: stages a job's inputs as a local backend does
 * (read-only inputs as links where the job expects them), then "runs" it by
 * writing what its tool would write, through node:fs.
 */
class WrittenOutputs implements Backend {
  readonly name = 'written-outputs';
  readonly layout: PathLayout = { containers: 'never', containerPaths: 'engine', privateTmpdir: () => undefined };
  readonly commands: string[] = [];

  place(): ExecutionPlaceKind {
    return 'host';
  }

  async run(job: CommandLineJob): Promise<JobOutcome> {
    for (const entry of job.staging) {
      assert.equal(entry.kind, 'link', 'this workflow stages only its inputs');
      if (entry.kind !== 'link') continue;
      mkdirSync(path.dirname(entry.target), { recursive: true });
      symlinkSync(entry.source, entry.target);
    }
    const [command, ...args] = job.argv;
    this.commands.push(job.argv.join(' '));
    TOOLS[command!]!(args, job);
    return { kind: 'exited', code: 0, durationMs: 0, stderrTail: '' };
  }

  async close(): Promise<void> {}
}

interface Built {
  readonly ctx: RunContext;
  readonly progress: Progress;
  readonly warnings: string[];
}

/** Exactly what runWorkflow needs, as the CLI builds it (src/cli/runSetup.ts), over `backend`. */
function runContext(t: TestContext, dir: string, backend: Backend): Built {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn', base: undefined }, { write: (line: string) => { warnings.push((JSON.parse(line) as { msg: string }).msg); } });
  const signal = new AbortController().signal;
  const progress = new Progress(false);
  const scratch = new ScratchSpace({ tmpdir: `${path.join(dir, 'tmp')}/`, tmpOutdir: `${path.join(dir, 'out')}/` }, backend.layout, false);
  const tools = new ToolRunner({
    backend,
    collect: toolOutputs(DEFAULT_LIMITS),
    pool: new ResourcePool({ cores: 2, ram: 1024, gpus: 0 }),
    retry: { temporaryFailures: 0, evictions: 0, oomKills: 0, backoff: DEFAULT_BACKOFF },
    progress,
    logger,
    secrets: new SecretMask(),
    jobs: {},
    strict: true,
  });
  const engines = new ExpressionEngines();
  t.after(() => engines.close());
  const remote = new RemoteInputs({ prefix: `${path.join(dir, 'out')}/`, limits: DEFAULT_DOWNLOAD_LIMITS, signal, logger });
  const ctx: RunContext = { tools, scratch, engines, ontologies: NO_ONTOLOGIES, logger, remote, signal, onError: 'stop', strict: true };
  return { ctx, progress, warnings };
}

interface OutputFile {
  readonly class: string;
  readonly basename: string;
  readonly path: string;
  readonly size: number;
}

test('a workflow of two steps and a scatter runs on a backend that writes its outputs: the output object names each file, in its job directory', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bespin-runworkflow-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'wf.cwl'), WORKFLOW);
  await writeFile(path.join(dir, 'note.txt'), 'a note\n');
  const wf = await loadProcess(path.join(dir, 'wf.cwl')) as Workflow;
  const backend = new WrittenOutputs();
  const { ctx, progress, warnings } = runContext(t, dir, backend);
  const job = { words: ['hi', 'yo'], note: { class: 'File', location: pathToUri(path.join(dir, 'note.txt')) } };

  const outputs = await runWorkflow(wf, job, undefined, ctx, 'wf', true, runProcess);

  const shouts = outputs.shouts as OutputFile[];
  const summary = outputs.summary as OutputFile;
  assert.deepEqual(Object.keys(outputs).sort(), ['shouts', 'summary']);
  assert.deepEqual(shouts.map((f) => [f.class, f.basename]), [['File', 'hi.txt'], ['File', 'yo.txt']], 'the scatter gathers in element order');
  assert.deepEqual(await Promise.all(shouts.map((f) => readFile(f.path, 'utf8'))), ['HI: a note\n', 'YO: a note\n']);
  assert.deepEqual(shouts.map((f) => f.size), [11, 11]);
  assert.equal(summary.basename, 'summary.txt');
  assert.equal(await readFile(summary.path, 'utf8'), '2 files: hi.txt yo.txt\n');
  assert.deepEqual(backend.commands.slice(0, 2).map((c) => c.replace(/ \/.*\//, ' …/')).sort(), ['shout hi …/note.txt', 'shout yo …/note.txt']);
  assert.deepEqual(backend.commands[2]!.split(' ').map((w) => path.basename(w)), ['count', 'hi.txt', 'yo.txt'], 'count ran last, on the scatter\'s files');
  // Every output lies in a job output directory the scratch space made and still knows (relocation moves from there).
  const known = [...ctx.scratch.outdirs];
  assert.equal(known.length, 3, 'one output directory per job');
  for (const file of [...shouts, summary]) assert.ok(known.includes(path.dirname(file.path)), `${file.path} is in a known job directory`);
  assert.deepEqual(await readdir(path.join(dir, 'tmp')), [], 'the jobs\' scratch and staging directories are gone (the scatter\'s spares too)');
  assert.deepEqual([progress.done, progress.failed, progress.running, progress.queued], [3, 0, 0, 0]);
  assert.deepEqual(warnings, []);
});
