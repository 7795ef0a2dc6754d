/**
 * Loading moves to a worker thread for large inputs (src/load/worker.ts):
 * what comes back from the worker must be what the main thread would have
 * loaded, and errors keep their class (and so their exit code).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readProcess } from '../../src/load/processLoader.js';
import { readJobFile } from '../../src/load/jobFile.js';
import { inLoadWorker } from '../../src/load/worker.js';
import type { LoadedProcess } from '../../src/load/loadProcess.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';
import { UnsupportedRequirementError, ValidationError } from '../../src/errors.js';
import { protectEngineCredentials } from '../../src/files/hostEntry.js';
import { tempDir } from './hugeDocuments.js';


const FILES: Record<string, string> = {
  'types.yml': 'name: Greeting\ntype: enum\nsymbols: [hello, goodbye]\n',
  'packed.cwl': `cwlVersion: v1.0
$graph:
  - id: shout
    class: CommandLineTool
    requirements:
      SchemaDefRequirement:
        types:
          - $import: types.yml
    baseCommand: echo
    inputs:
      word: {type: "types.yml#Greeting", inputBinding: {position: 1}}
      extra: {type: File, default: {class: File, location: data.txt}}
    outputs:
      said: stdout
  - id: main
    class: Workflow
    inputs:
      word: string
    outputs:
      said: {type: File, outputSource: step/said}
    steps:
      step:
        run: "#shout"
        in: {word: word}
        out: [said]
`,
  'job.yml': 'word: hello\nfiles: &f [{class: File, path: a.txt}, {class: File, location: b.txt}]\nagain: *f\ncwl:requirements:\n  - class: EnvVarRequirement\n    envDef: {A: b}\n',
  'gpu.cwl': 'cwlVersion: v1.2\nclass: CommandLineTool\n$namespaces: {cwltool: "http://commonwl.org/cwltool#"}\nrequirements:\n  - class: cwltool:MPIRequirement\nbaseCommand: echo\ninputs: []\noutputs: []\n',
};

test('a process and a job file loaded in the worker equal the ones loaded in this thread', async (t) => {
  const dir = await tempDir(t, FILES);
  const uri = pathToFileURL(path.join(dir, 'packed.cwl')).href;
  const here = await readProcess(uri, DEFAULT_LIMITS);
  const there = await inLoadWorker({ kind: 'process', uri, limits: DEFAULT_LIMITS, skipSchemaValidation: false, nonStrict: false });
  assert.deepStrictEqual(there, { process: here, warnings: [] });

  const job = pathToFileURL(path.join(dir, 'job.yml')).href;
  assert.deepStrictEqual(await inLoadWorker({ kind: 'job', uri: job, limits: DEFAULT_LIMITS }), await readJobFile(job, DEFAULT_LIMITS));
});

test('errors from the worker keep their class and message', async (t) => {
  const dir = await tempDir(t, FILES);
  const gpu = pathToFileURL(path.join(dir, 'gpu.cwl')).href;
  await assert.rejects(
    inLoadWorker({ kind: 'process', uri: gpu, limits: DEFAULT_LIMITS, skipSchemaValidation: false, nonStrict: false }),
    (error: unknown) => error instanceof UnsupportedRequirementError && error.exitCode === 33 && /unsupported requirement cwltool:MPIRequirement/.test(error.message),
  );
  const missing = pathToFileURL(path.join(dir, 'missing.cwl')).href;
  await assert.rejects(
    inLoadWorker({ kind: 'process', uri: missing, limits: DEFAULT_LIMITS, skipSchemaValidation: false, nonStrict: false }),
    (error: unknown) => error instanceof ValidationError && /missing\.cwl: no such file/.test(error.message),
  );
});

test('the engine\'s credentials the CLI names are refused by the worker\'s read gates as by this thread\'s', async (t) => {
  const dir = await tempDir(t, {
    'engine.kubeconfig': 'apiVersion: v1\n',
    'tool.cwl': 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\narguments: [{$include: engine.kubeconfig}]\ninputs: []\noutputs: []\n',
  });
  const uri = pathToFileURL(path.join(dir, 'tool.cwl')).href;
  const request = { kind: 'process', uri, limits: DEFAULT_LIMITS, skipSchemaValidation: false, nonStrict: false } as const;
  t.after(() => protectEngineCredentials([]));
  protectEngineCredentials([path.join(dir, 'engine.kubeconfig')]);
  const refused = /engine\.kubeconfig.* is one of the engine's own files/;
  await assert.rejects(readProcess(uri, DEFAULT_LIMITS), refused);
  await assert.rejects(inLoadWorker(request), refused);
  protectEngineCredentials([]);
  const included = (p: unknown) => (p as { arguments: unknown[] }).arguments;
  assert.deepEqual(included(await readProcess(uri, DEFAULT_LIMITS)), included((await inLoadWorker<LoadedProcess>(request)).process), 'an unnamed file is read in both');
});

test('under --non-strict the unknown fields\' warnings come back from the worker with the process; otherwise they are refused', async (t) => {
  const dir = await tempDir(t, { 'odd.cwl': 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\ninputs: []\noutputs: []\nunknownField: 1\n' });
  const uri = pathToFileURL(path.join(dir, 'odd.cwl')).href;
  const loaded = await inLoadWorker<LoadedProcess>({ kind: 'process', uri, limits: DEFAULT_LIMITS, skipSchemaValidation: false, nonStrict: true });
  assert.equal(loaded.process.class, 'CommandLineTool');
  assert.equal(loaded.warnings.length, 1);
  assert.match(loaded.warnings[0]!, /odd\.cwl:6: invalid field unknownField, expected one of: /);
  await assert.rejects(inLoadWorker({ kind: 'process', uri, limits: DEFAULT_LIMITS, skipSchemaValidation: false, nonStrict: false }), /odd\.cwl:6: invalid field unknownField/);
});
