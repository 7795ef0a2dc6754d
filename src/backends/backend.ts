import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandLineJob } from '../build/commandLineJob.js';

/** How one process run ended. */
export interface ProcessOutcome {
  readonly exitCode: number;
  /** ToolTimeLimit (or cancellation) stopped it. */
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The last lines the tool wrote to stderr, to explain failures. */
  readonly stderrTail: string;
}

/**
 * The one seam between the engine and where processes run. A backend stages
 * the job's inputs, runs its command, and leaves outputs in the job's host
 * output directory; it never interprets CWL.
 */
export interface Backend {
  readonly name: string;
  run(job: CommandLineJob, signal: AbortSignal): Promise<ProcessOutcome>;
  /**
   * Where a job's scratch space is when the backend provides it rather than
   * the engine's host (Kubernetes: an emptyDir at /tmp when the tmpdir
   * prefix is on no claim); undefined means a host directory from the prefix.
   */
  privateTmpdir?(tmpdirPrefix: string): string | undefined;
}

/**
 * `--tool-logs-basepath`: one file per step with everything the tool wrote
 * that was not redirected to a file of the job, on every backend.
 */
export async function openToolLog(basepath: string | undefined, step: string): Promise<WriteStream | undefined> {
  if (!basepath) return undefined;
  await mkdir(basepath, { recursive: true });
  const file = createWriteStream(path.join(basepath, `${step.replace(/[/\\]/g, '_')}.log`));
  file.on('error', () => undefined); // a log that cannot be written must not fail the step
  return file;
}

/** Keeps the last `limit` bytes of a stream, for failure messages. */
export class TailBuffer {
  #chunks: Buffer[] = [];
  #size = 0;
  constructor(readonly limit = 4096) {}
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - (this.#chunks[0]?.length ?? 0) >= this.limit && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }
  toString(): string {
    const all = Buffer.concat(this.#chunks).toString('utf8');
    return all.length > this.limit ? all.slice(-this.limit) : all;
  }
}
