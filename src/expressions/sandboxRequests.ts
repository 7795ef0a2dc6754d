/**
 * The sandbox's bookkeeping of requests (the main-thread half of protocol.ts):
 * the unanswered evaluations in the order they were sent — the worker answers
 * in order, so the oldest one is the one running — and the expressionLib
 * sources, each sent once per worker under a small id.
 */
import type { EvaluateRequest } from './protocol.js';

export interface PendingEvaluation {
  readonly id: number;
  readonly kind: 'expression' | 'body';
  readonly code: string;
  readonly libId: number;
  readonly data: string;
  /** The `$(...)`/`${...}` text, for error messages. */
  readonly expression: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Already rejected because the caller aborted; the answer is dropped. */
  settled: boolean;
  cleanup: (() => void) | null;
}

export type EvaluationCall = Pick<PendingEvaluation, 'kind' | 'code' | 'libId' | 'data' | 'expression'>;

/** Resolves or rejects an evaluation once; later answers (after an abort, say) are dropped. */
export function settle(entry: PendingEvaluation, ok: boolean, value: unknown): void {
  if (entry.settled) return;
  entry.settled = true;
  entry.cleanup?.();
  if (ok) entry.resolve(value);
  else entry.reject(value);
}

/** Unanswered evaluations in the order they were sent (a Map keeps insertion order). */
export class PendingEvaluations {
  readonly #entries = new Map<number, PendingEvaluation>();
  #nextId = 1;

  /** A new entry; `onAbort` runs if the caller's signal aborts before the answer. */
  add(
    call: EvaluationCall,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    signal: AbortSignal | undefined,
    onAbort: (entry: PendingEvaluation) => void,
  ): PendingEvaluation {
    const entry: PendingEvaluation = { ...call, id: this.#nextId++, resolve, reject, settled: false, cleanup: null };
    if (signal !== undefined) {
      const listener = (): void => onAbort(entry);
      signal.addEventListener('abort', listener, { once: true });
      entry.cleanup = () => signal.removeEventListener('abort', listener);
    }
    this.#entries.set(entry.id, entry);
    return entry;
  }

  /** The request the worker is running: the oldest unanswered one. */
  get running(): PendingEvaluation | undefined {
    const [first] = this.#entries.values();
    return first;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: number): PendingEvaluation | undefined {
    return this.#entries.get(id);
  }

  delete(id: number): void {
    this.#entries.delete(id);
  }

  values(): IterableIterator<PendingEvaluation> {
    return this.#entries.values();
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** expressionLib sources by id (0 is the empty library), and which of them the current worker has. */
export class ExpressionLibraries {
  readonly #ids = new Map<string, number>([['', 0]]);
  readonly #sources: string[] = [''];
  #sent = new Set<number>([0]);

  /** A small id for an expressionLib source (the concatenated library code). */
  id(source: string): number {
    let id = this.#ids.get(source);
    if (id === undefined) {
      id = this.#sources.length;
      this.#sources.push(source);
      this.#ids.set(source, id);
    }
    return id;
  }

  /** A fresh worker has none of the libraries yet. */
  forgetSent(): void {
    this.#sent = new Set([0]);
  }

  /** The message for `entry`, carrying its library source the first time the worker needs it. */
  request(entry: PendingEvaluation): EvaluateRequest {
    const request: EvaluateRequest = {
      id: entry.id,
      kind: entry.kind,
      code: entry.code,
      libId: entry.libId,
      data: entry.data,
      ...(this.#sent.has(entry.libId) ? {} : { lib: this.#sources[entry.libId]! }),
    };
    this.#sent.add(entry.libId);
    return request;
  }
}
