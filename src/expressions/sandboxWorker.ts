/**
 * Worker thread entry: evaluates CWL JavaScript expressions with node:vm in
 * contexts that have only ECMAScript built-ins (no process, require, import,
 * timers, fetch, console), cannot generate code from strings or wasm, and run
 * microtasks inside the vm timeout. One context per distinct expressionLib,
 * created lazily; compiled scripts are cached by source. Requests are handled
 * one at a time, in order, and every request gets exactly one response.
 */
import { parentPort } from 'node:worker_threads';
import { types } from 'node:util';
import vm from 'node:vm';
import { CONTEXT_BOOTSTRAP, wrapExpression } from './contextBootstrap.js';
import type { EvaluateRequest, EvaluateResponse } from './protocol.js';

interface Sandbox {
  readonly context: vm.Context;
  /** The object contextified as the global: its properties are globals. */
  readonly globals: Record<string, unknown>;
  readonly parse: (text: string) => unknown;
  /** Set when expressionLib failed: every evaluation then fails with it. */
  readonly error: string | null;
}

const MAX_SANDBOXES = 16;
const MAX_SCRIPTS = 10_000;

const libSources = new Map<number, string>([[0, '']]);
const sandboxes = new Map<number, Sandbox>();
const scripts = new Map<string, vm.Script>();
const bootstrap = new vm.Script(CONTEXT_BOOTSTRAP, { filename: 'bespin-sandbox.js' });

function describe(error: unknown): string {
  try {
    if (types.isProxy(error)) return 'Uncaught exception that cannot be printed';
    if (error !== null && typeof error === 'object') {
      const { name, message } = error as { name?: unknown; message?: unknown };
      if (typeof message === 'string') {
        return `${typeof name === 'string' && name !== '' ? name : 'Error'}: ${message}`;
      }
    }
    return `Uncaught ${String(error)}`;
  } catch {
    return 'Uncaught exception that cannot be printed';
  }
}

/** The error node:vm throws when the timeout terminates a script (created in the context's realm). */
function isTimeout(error: unknown): boolean {
  try {
    return (
      typeof error === 'object' &&
      error !== null &&
      !types.isProxy(error) &&
      (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
    );
  } catch {
    return false;
  }
}

function createSandbox(libId: number, timeoutMs: number): Sandbox {
  const globals = Object.create(null) as Record<string, unknown>;
  const context = vm.createContext(globals, {
    name: 'cwl-expression',
    // Strings are allowed (cwltool allows eval/new Function, e.g. for templating
    // libraries); the context's own Function cannot reach the worker's globals.
    codeGeneration: { strings: true, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  const parse = bootstrap.runInContext(context) as (text: string) => unknown;
  let error: string | null = null;
  const lib = libSources.get(libId);
  if (lib === undefined) {
    error = 'internal error: unknown expressionLib';
  } else if (lib !== '') {
    try {
      checkSource(lib);
      new vm.Script(`"use strict";\n${lib}`, { filename: 'expressionLib.js' }).runInContext(
        context,
        { timeout: timeoutMs, displayErrors: false },
      );
    } catch (failure) {
      const reason = isTimeout(failure) ? `timed out after ${timeoutMs} ms` : describe(failure);
      error = `expressionLib failed: ${reason}`;
    }
  }
  return { context, globals, parse, error };
}

function getSandbox(libId: number, timeoutMs: number): Sandbox {
  let sandbox = sandboxes.get(libId);
  if (sandbox === undefined) {
    sandbox = createSandbox(libId, timeoutMs);
    if (sandboxes.size >= MAX_SANDBOXES) sandboxes.delete(sandboxes.keys().next().value!);
    sandboxes.set(libId, sandbox);
  }
  return sandbox;
}

/**
 * `import()` is refused before compiling: node:vm would reject it with an
 * error object of the worker's realm, whose constructor.constructor is an
 * unrestricted Function. Code generation from strings is disabled, so the
 * source text is the only place an `import(` can come from. (An `import`
 * spelled with escapes is a SyntaxError.) False positives such as
 * `x.import(...)` are accepted.
 */
const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;

function checkSource(source: string): void {
  if (DYNAMIC_IMPORT.test(source)) {
    throw new SyntaxError('import() is not available in CWL expressions');
  }
}

function getScript(source: string): vm.Script {
  let script = scripts.get(source);
  if (script === undefined) {
    checkSource(source);
    script = new vm.Script(source, { filename: 'expression.js' });
    if (scripts.size >= MAX_SCRIPTS) scripts.delete(scripts.keys().next().value!);
    scripts.set(source, script);
  }
  return script;
}

function setGlobal(globals: Record<string, unknown>, name: string, value: unknown): void {
  const done = Reflect.defineProperty(globals, name, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  if (!done) throw new Error(`the global '${name}' was made read-only by earlier code`);
}

function evaluate(request: EvaluateRequest): EvaluateResponse {
  const { id, timeoutMs } = request;
  if (request.lib !== undefined && libSources.get(request.libId) !== request.lib) {
    libSources.set(request.libId, request.lib);
    sandboxes.delete(request.libId);
  }
  const sandbox = getSandbox(request.libId, timeoutMs);
  if (sandbox.error !== null) return { id, ok: false, error: sandbox.error };
  let script: vm.Script;
  try {
    script = getScript(wrapExpression(request.kind, request.code));
  } catch (failure) {
    return { id, ok: false, error: describe(failure) };
  }
  let result: unknown;
  try {
    // JSON.parse of the context's realm: the values carry no reference to
    // this realm's Object/Function (no constructor.constructor escape).
    const data = sandbox.parse(request.data) as Record<string, unknown>;
    setGlobal(sandbox.globals, 'inputs', data['inputs'] ?? null);
    setGlobal(sandbox.globals, 'self', data['self'] ?? null);
    setGlobal(sandbox.globals, 'runtime', data['runtime'] ?? null);
    result = script.runInContext(sandbox.context, { timeout: timeoutMs, displayErrors: false });
  } catch (failure) {
    if (isTimeout(failure)) return { id, ok: false, error: 'timeout', timeout: true };
    return { id, ok: false, error: describe(failure) };
  }
  if (typeof result !== 'string' || (result[0] !== 'R' && result[0] !== 'E')) {
    return { id, ok: false, error: 'the expression did not complete normally' };
  }
  return result[0] === 'R'
    ? { id, ok: true, json: result.slice(1) }
    : { id, ok: false, error: result.slice(1) };
}

const port = parentPort;
if (port === null) throw new Error('sandboxWorker.js must run in a worker thread');
// Promises rejected by sandbox code (e.g. a returned `import()` or
// `WebAssembly.compile()`) must not crash the worker.
process.on('unhandledRejection', () => undefined);
port.on('message', (request: EvaluateRequest) => {
  let response: EvaluateResponse;
  try {
    response = evaluate(request);
  } catch (failure) {
    response = { id: request.id, ok: false, error: `internal sandbox error: ${describe(failure)}` };
  }
  port.postMessage(response);
});
