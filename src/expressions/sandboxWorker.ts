/**
 * Worker thread entry: evaluates CWL JavaScript expressions with node:vm.
 *
 * Every evaluation gets a new context (as cwltool, which runs expressionLib
 * before each expression): an ordinary global object of the context's own
 * realm (vm.constants.DONT_CONTEXTIFY), only ECMAScript built-ins (no
 * process, require, timers, fetch), guarded eval/Function, no wasm, and
 * promise jobs run before the evaluation ends. Nothing one evaluation does to
 * built-ins, globals or expressionLib's state is seen by another, and no
 * object of this worker's realm is ever handed to a context: data goes in as
 * JSON text parsed by the context, results come out as JSON text made by it.
 *
 * Creating a context costs about 0.3 ms, so while idle the worker prepares a
 * few (bootstrap only). Compiled scripts are shared by all contexts, cached
 * by source. Scripts run without a vm timeout: the main thread terminates the
 * worker when a request passes its deadline (sandbox.ts). ArrayBuffer memory
 * added by an evaluation is measured and bounded (protocol.ts). Requests are
 * handled one at a time, in order; each gets exactly one response.
 */
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CONTEXT_BOOTSTRAP, DESCRIBE_HELD, IMPORT_REFUSED, functionBody, mayImport, wrapBody } from './contextBootstrap.js';
import { NESTING_LIMIT, offsetPastNesting } from '../model/nesting.js';
import type { EvaluateRequest, EvaluateResponse, SandboxWorkerData, WorkerMessage } from './protocol.js';

/** What the bootstrap returns: functions of the context that run no document code. */
interface ContextApi {
  readonly setData: (json: string) => unknown;
  readonly hold: (value: unknown) => void;
}

/** A new context with the bootstrap run in it. */
interface Fresh {
  readonly context: vm.Context;
  readonly api: ContextApi;
}

interface Failure {
  readonly error: string;
  readonly memory?: true;
}

const MAX_SCRIPTS = 10_000;
const MAX_LIBS = 16;
/** A burst of this many evaluations after an idle period skips context creation. */
const MAX_SPARES = 8;
const MiB = 1024 * 1024;

const limits = workerData as SandboxWorkerData | undefined;
/** ArrayBuffer memory one evaluation may add (backing stores are outside the V8 heap limit). */
const arrayBufferLimit = (limits?.arrayBufferLimitMb ?? 256) * MiB;

const libSources = new Map<number, string>([[0, '']]);
const scripts = new Map<string, vm.Script>();
const bootstrap = new vm.Script(CONTEXT_BOOTSTRAP, { filename: 'bespin-sandbox.js' });
const describeHeld = new vm.Script(DESCRIBE_HELD, { filename: 'bespin-describe.js' });
/** Compiled expressionLibs by id (the source for an id can change when the host restarts). */
const libScripts = new Map<number, { readonly source: string; readonly script: vm.Script }>();
/** Contexts prepared while idle, in which no document code has run. */
const spares: Fresh[] = [];
let spareScheduled = false;

/**
 * Second line of defence: should an object of this realm ever reach a
 * context, its `constructor.constructor` must not compile code here. The
 * worker itself never uses these constructors.
 */
function lockCodeGeneration(): void {
  const refuse = function refuse(): never {
    throw new TypeError('code generation is not available in the expression worker');
  };
  const samples = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const sample of samples) {
    Object.defineProperty(Object.getPrototypeOf(sample), 'constructor', { value: refuse });
  }
}

/** Describes an error of this realm (compilation errors); never called on a context's values. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name || 'Error'}: ${error.message}`;
  return `Uncaught ${String(error)}`;
}

function externalMemory(): number {
  return v8.getHeapStatistics().external_memory;
}

function memoryFailure(added: number): Failure {
  return { error: `ArrayBuffers of ${Math.ceil(added / MiB)} MiB`, memory: true };
}

/**
 * Runs a script in a context. No vm timeout: the main thread's watchdog
 * terminates this worker when a request passes its deadline (sandbox.ts).
 */
function run(script: vm.Script, context: vm.Context): unknown {
  return script.runInContext(context, { displayErrors: false });
}

function createFresh(): Fresh {
  const context = vm.createContext(vm.constants.DONT_CONTEXTIFY, {
    name: 'cwl-expression',
    // eval and new Function are allowed (cwltool allows them, and templating
    // libraries use them), behind the bootstrap's import() guards.
    codeGeneration: { strings: true, wasm: false },
    // Promise jobs run before runInContext returns, i.e. within the request.
    microtaskMode: 'afterEvaluate',
  });
  const api = bootstrap.runInContext(context) as ContextApi;
  return { context, api };
}

function takeFresh(): Fresh {
  return spares.pop() ?? createFresh();
}

/**
 * Fills the pool of spare contexts while the worker is idle, one context per
 * turn of the event loop so that a request arriving meanwhile waits for at
 * most one. Only the bootstrap runs here: document code (expressionLib) runs
 * within a request, under the main thread's deadline.
 */
function scheduleSpare(): void {
  if (spareScheduled || spares.length >= MAX_SPARES) return;
  spareScheduled = true;
  setImmediate(() => {
    spareScheduled = false;
    spares.push(createFresh());
    scheduleSpare();
  });
}

function getLibScript(libId: number, lib: string): vm.Script {
  let entry = libScripts.get(libId);
  if (entry?.source !== lib) {
    if (mayImport(lib)) throw new SyntaxError(IMPORT_REFUSED);
    entry = { source: lib, script: new vm.Script(`"use strict";\n${lib}`, { filename: 'expressionLib.js' }) };
    if (libScripts.size >= MAX_LIBS) libScripts.delete(libScripts.keys().next().value!);
    libScripts.set(libId, entry);
  }
  return entry.script;
}

/** Runs expressionLib in a fresh context; returns why it failed, or null. */
function loadLib(fresh: Fresh, libId: number): Failure | null {
  const lib = libSources.get(libId);
  if (lib === undefined) return { error: 'internal error: unknown expressionLib' };
  if (lib === '') return null;
  let script: vm.Script;
  try {
    script = getLibScript(libId, lib);
  } catch (error) {
    return { error: `expressionLib failed: ${describe(error)}` };
  }
  try {
    run(script, fresh.context);
    return null;
  } catch (thrown) {
    // What was thrown is the document's: describe it inside the context.
    let text: unknown;
    try {
      fresh.api.hold(thrown);
      text = run(describeHeld, fresh.context);
    } catch {
      text = undefined;
    }
    return { error: `expressionLib failed: ${typeof text === 'string' ? text : 'Uncaught exception that cannot be printed'}` };
  }
}

/**
 * Compiles the script for `$(code)`/`${code}`. The body must parse on its own
 * as a function body (checked with compileFunction, which never runs it), or
 * the code could close the wrapper function and run at the script's top level.
 */
function getScript(kind: EvaluateRequest['kind'], code: string): vm.Script {
  const body = functionBody(kind, code);
  let script = scripts.get(body);
  if (script === undefined) {
    if (mayImport(body)) throw new SyntaxError(IMPORT_REFUSED);
    vm.compileFunction(body);
    script = new vm.Script(wrapBody(body), { filename: 'expression.js' });
    if (scripts.size >= MAX_SCRIPTS) scripts.delete(scripts.keys().next().value!);
    scripts.set(body, script);
  }
  return script;
}

function failed(id: number, failure: Failure): EvaluateResponse {
  return { id, ok: false, ...failure };
}

/** Runs expressionLib and the expression: the script's result ("R"/"E" + text), or a failure. */
function runExpression(fresh: Fresh, request: EvaluateRequest, script: vm.Script): string | Failure {
  const libFailure = loadLib(fresh, request.libId);
  if (libFailure !== null) return libFailure;
  try {
    const problem = fresh.api.setData(request.data);
    if (problem !== '') return { error: String(problem) };
    const result = run(script, fresh.context);
    if (typeof result === 'string') return result;
  } catch {
    // __bespin.run catches what the expression throws: nothing should get here.
  }
  return { error: 'the expression did not complete normally' };
}

function evaluate(request: EvaluateRequest): EvaluateResponse {
  const { id } = request;
  if (request.lib !== undefined) libSources.set(request.libId, request.lib);
  let script: vm.Script;
  try {
    script = getScript(request.kind, request.code);
  } catch (failure) {
    return failed(id, { error: describe(failure) });
  }
  const fresh = takeFresh();
  const before = externalMemory();
  const result = runExpression(fresh, request, script);
  // Checked first: whatever else happened, the memory was used.
  const added = externalMemory() - before;
  if (added > arrayBufferLimit) return failed(id, memoryFailure(added));
  if (typeof result !== 'string') return failed(id, result);
  if (result[0] !== 'R' && result[0] !== 'E') {
    return failed(id, { error: 'the expression did not complete normally' });
  }
  if (result[0] === 'E') return failed(id, { error: result.slice(1) });
  const json = result.slice(1);
  // The engine walks results recursively: checked here, off the engine's thread.
  if (offsetPastNesting(json) >= 0) return failed(id, { error: `its result nests arrays and objects more than ${NESTING_LIMIT} deep` });
  return { id, ok: true, json };
}

const port = parentPort;
if (port === null) throw new Error('sandboxWorker.js must run in a worker thread');
lockCodeGeneration();
// Promises rejected by sandbox code must not crash the worker.
process.on('unhandledRejection', () => undefined);
port.on('message', (request: EvaluateRequest) => {
  let response: EvaluateResponse;
  try {
    response = evaluate(request);
  } catch (failure) {
    response = { id: request.id, ok: false, error: `internal sandbox error: ${describe(failure)}` };
  }
  port.postMessage(response);
  scheduleSpare();
});
port.postMessage({ ready: true } satisfies WorkerMessage);
scheduleSpare();
