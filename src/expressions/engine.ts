import { ExpressionError, REQUIRES_JAVASCRIPT } from './errors.js';
import { cwlJsonDumps } from './jsonDumps.js';
import {
  NeedsJavascript,
  ReferenceFailure,
  resolveParameterReference,
} from './parameterReference.js';
import { SandboxHost } from './sandbox.js';
import { cachedTemplate, needsParsing, type ExpressionSegment } from './template.js';

export interface ExpressionContext {
  readonly inputs: unknown;
  readonly self: unknown;
  readonly runtime: unknown;
}

export interface ExpressionEngineOptions {
  /** InlineJavascriptRequirement is present. */
  readonly javascript: boolean;
  /** InlineJavascriptRequirement.expressionLib (code strings, already $include-resolved). */
  readonly expressionLib?: readonly string[];
  /**
   * Per evaluation, default 10 000 ms (unrelated to ToolTimeLimit); twice that
   * with an expressionLib, which runs before every evaluation.
   */
  readonly timeoutMs?: number;
  /**
   * Sandbox memory limit, default 256 MiB: the worker's heap, and separately
   * the ArrayBuffer memory one evaluation may add (outside the heap).
   */
  readonly memoryMb?: number;
  /**
   * How much the engine's resident memory may grow while one evaluation runs,
   * default 512 MiB: memory an expression holds outside the V8 heap and
   * ArrayBuffers (ICU's objects behind `Intl`) is counted only there.
   */
  readonly residentMemoryMb?: number;
}

/** Per-call options of ExpressionEngine.evaluate. */
export interface EvaluateOptions {
  /**
   * Trim leading/trailing whitespace of the field before scanning, as cwltool
   * does for every field except InitialWorkDirRequirement `entry` (where
   * `"${ return 1; }\n"` must interpolate to the text "1\n"). Default true;
   * pass false for `entry`.
   */
  readonly stripWhitespace?: boolean;
  /** Overrides the engine's `javascript` for this call (e.g. per-tool requirements). */
  readonly javascript?: boolean;
  /** Overrides the engine's `expressionLib` for this call. */
  readonly expressionLib?: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MEMORY_MB = 256;
const DEFAULT_RESIDENT_MEMORY_MB = 512;

interface CallState {
  readonly context: ExpressionContext;
  readonly javascript: boolean;
  readonly libSource: string;
  readonly signal: AbortSignal | undefined;
  data: string | null;
}

const libSourceCache = new WeakMap<readonly string[], string>();

function libSourceOf(lib: readonly string[] | undefined): string {
  if (lib === undefined || lib.length === 0) return '';
  let source = libSourceCache.get(lib);
  if (source === undefined) {
    source = lib.join('\n');
    libSourceCache.set(lib, source);
  }
  return source;
}

function jsonOrNull(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** The JSON text the sandbox parses into its `inputs`, `self` and `runtime` globals. */
function serializeContext(context: ExpressionContext, expression: string): string {
  try {
    const { inputs, self, runtime } = context;
    return `{"inputs":${jsonOrNull(inputs)},"self":${jsonOrNull(self)},"runtime":${jsonOrNull(runtime)}}`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(expression, `the parameter context is not JSON data: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * Evaluates CWL parameter references and (with InlineJavascriptRequirement)
 * JavaScript expressions. Parameter references are resolved in the calling
 * thread; JavaScript runs in one lazily started, unref'd worker per engine,
 * each evaluation in a new context (sandboxWorker.ts).
 */
export class ExpressionEngine {
  readonly #javascript: boolean;
  readonly #libSource: string;
  readonly #timeoutMs: number;
  readonly #memoryMb: number;
  readonly #residentMemoryMb: number;
  #sandbox: SandboxHost | null = null;

  constructor(options: ExpressionEngineOptions) {
    this.#javascript = options.javascript;
    this.#libSource = libSourceOf(options.expressionLib);
    this.#timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.#memoryMb = positive(options.memoryMb, DEFAULT_MEMORY_MB, 'memoryMb');
    this.#residentMemoryMb = positive(options.residentMemoryMb, DEFAULT_RESIDENT_MEMORY_MB, 'residentMemoryMb');
  }

  /** Evaluates a CWL string that may contain expressions. Non-strings are returned unchanged. */
  async evaluate(
    text: unknown,
    context: ExpressionContext,
    signal?: AbortSignal,
    options?: EvaluateOptions,
  ): Promise<unknown> {
    if (typeof text !== 'string' || !needsParsing(text)) return text;
    signal?.throwIfAborted();
    const template = cachedTemplate(options?.stripWhitespace === false ? text : text.trim());
    const call: CallState = {
      context,
      javascript: options?.javascript ?? this.#javascript,
      libSource:
        options?.expressionLib === undefined ? this.#libSource : libSourceOf(options.expressionLib),
      signal,
      data: null,
    };
    if (template.whole !== null) return this.#evaluateSegment(template.whole, call);

    const values: unknown[] = [];
    let asynchronous = false;
    try {
      for (const part of template.parts) {
        const value = typeof part === 'string' ? part : this.#evaluateSegment(part, call);
        if (value instanceof Promise) asynchronous = true;
        values.push(value);
      }
    } catch (error) {
      // Do not leave already started evaluations as unhandled rejections.
      for (const value of values) if (value instanceof Promise) value.catch(() => undefined);
      throw error;
    }
    const resolved = asynchronous ? await Promise.all(values) : values;
    let result = '';
    for (const value of resolved) {
      result += typeof value === 'string' ? value : cwlJsonDumps(value);
    }
    return result;
  }

  /** Terminates the sandbox worker, if any (pending JavaScript evaluations fail). */
  async close(): Promise<void> {
    const sandbox = this.#sandbox;
    this.#sandbox = null;
    if (sandbox !== null) await sandbox.close();
  }

  /** Returns the value, or a promise when JavaScript is needed. */
  #evaluateSegment(segment: ExpressionSegment, call: CallState): unknown {
    let needs: NeedsJavascript | null = null;
    if (segment.reference !== null) {
      let value: unknown;
      try {
        value = resolveParameterReference(segment.reference, call.context, !call.javascript);
      } catch (error) {
        if (error instanceof ReferenceFailure) throw new ExpressionError(segment.source, error.reason);
        throw error;
      }
      if (!(value instanceof NeedsJavascript)) return value;
      needs = value;
    }
    if (!call.javascript) {
      const reason = needs === null ? REQUIRES_JAVASCRIPT : `${needs.reason}; ${REQUIRES_JAVASCRIPT}`;
      throw new ExpressionError(segment.source, reason);
    }
    const sandbox = (this.#sandbox ??= new SandboxHost(this.#timeoutMs, this.#memoryMb, undefined, this.#residentMemoryMb));
    call.data ??= serializeContext(call.context, segment.source);
    return sandbox.evaluate(
      segment.kind,
      segment.code,
      sandbox.libId(call.libSource),
      call.data,
      segment.source,
      call.signal,
    );
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`ExpressionEngine option ${name} must be a positive number`);
  }
  return value;
}
