/** Messages between the main thread (sandbox.ts) and the worker (sandboxWorker.ts). */
import type { WorkerOptions } from 'node:worker_threads';

/** Passed to the worker as workerData. */
export interface SandboxWorkerData {
  /**
   * ArrayBuffer memory one evaluation may add, in MiB: backing stores live
   * outside the V8 heap, so resourceLimits do not bound them.
   */
  readonly arrayBufferLimitMb: number;
}

/** Worker options: heap limit, no environment, no inherited node flags, no stdio. */
export function sandboxWorkerOptions(memoryMb: number): WorkerOptions {
  const workerData: SandboxWorkerData = { arrayBufferLimitMb: memoryMb };
  return {
    workerData,
    name: 'bespin-expressions',
    env: {},
    argv: [],
    execArgv: [],
    stdout: false,
    stderr: false,
    resourceLimits: {
      maxOldGenerationSizeMb: memoryMb,
      maxYoungGenerationSizeMb: Math.max(1, Math.min(16, Math.floor(memoryMb / 16))),
      stackSizeMb: 4,
    },
  };
}

export interface EvaluateRequest {
  readonly id: number;
  /** `expression` for `$(...)`, `body` for `${...}`. */
  readonly kind: 'expression' | 'body';
  readonly code: string;
  /** Identifies the expressionLib; 0 is the empty library. */
  readonly libId: number;
  /** The library source, sent with the first request that uses libId on a worker. */
  readonly lib?: string;
  /** JSON text of `{"inputs": ..., "self": ..., "runtime": ...}`. */
  readonly data: string;
}

export type EvaluateResponse =
  | { readonly id: number; readonly ok: true; readonly json: string }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: string;
      /** The evaluation added more ArrayBuffer memory than allowed. */
      readonly memory?: boolean;
    };

/** What the worker posts: `ready` once when it has started, then one response per request. */
export type WorkerMessage = EvaluateResponse | { readonly ready: true };
