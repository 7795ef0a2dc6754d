import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandLineJob } from '../job/commandLineJob.js';

/** Why a pod ended without its tool's own exit deciding the step. */
export type PodFailureReason =
  | 'OOMKilled' | 'Evicted' | 'NodeLost' | 'DeadlineExceeded' | 'ImagePullFailed' | 'ContainerNotCreated' | 'Unschedulable' | 'Deleted' | 'Failed';

/**
 * How one attempt at a job ended, whatever ran it. Every case carries how
 * long it took and the end of what the tool wrote to stderr, to explain a
 * failure; deciding what an outcome means (success, retry, which message) is
 * the engine's, above the backends.
 */
export type JobOutcome =
  | {
    readonly kind: 'exited'; readonly code: number; readonly durationMs: number; readonly stderrTail: string;
    /** When the tool's container itself started and ended, where the runtime says (a pod's terminated state): Calrissian reports those times. */
    readonly ran?: TimeSpan;
  }
  /** ToolTimeLimit stopped it. */
  | { readonly kind: 'timedOut'; readonly limitSeconds: number; readonly durationMs: number; readonly stderrTail: string }
  /** The run was cancelled (its AbortSignal): the job was stopped or never started. */
  | { readonly kind: 'cancelled'; readonly durationMs: number; readonly stderrTail: string }
  | {
    readonly kind: 'podFailed';
    readonly reason: PodFailureReason;
    readonly pod: string;
    /** The cluster's words: the raw reason (ErrImagePull, …) and its message. */
    readonly detail: string;
    /** The container's exit code, when it got to exit (an OOMKilled one, a deleted pod's). */
    readonly exitCode?: number;
    readonly durationMs: number;
    readonly logTail: string;
  };

export interface TimeSpan {
  readonly start: Date;
  readonly finish: Date;
}

/** Where a job's process runs, as far as it can change the result (part of a work-reuse cache key). */
export type ExecutionPlaceKind = 'host' | 'container' | 'pod';

/** How a backend lays out a job's paths, so the job builder can set them without knowing the backend. */
export interface PathLayout {
  /**
   * Whether jobs may run in containers: `always` (a pod, with the default
   * image when the tool names none), `asked` (Docker when the tool names an
   * image, else a host process), `never` (--no-container).
   */
  readonly containers: 'always' | 'asked' | 'never';
  /**
   * What a job in a container sees: its own paths (/var/spool/cwl, /tmp, as
   * Docker mounts them) or the engine's (a pod mounts each claim where the
   * engine has it).
   */
  readonly containerPaths: 'own' | 'engine';
  /**
   * Scratch space the backend gives each job itself rather than a host
   * directory from the prefix (Kubernetes: an emptyDir at /tmp when the
   * tmpdir prefix is on no claim).
   */
  privateTmpdir(tmpdirPrefix: string): string | undefined;
  /**
   * The scratch prefix a run makes its job directories from, when the
   * backend gives the run a directory of its own under the one asked for
   * (Kubernetes, on a claim shared by many runs); absent: the prefix as given.
   */
  runScratchPrefix?(prefix: string): Promise<string>;
}

/**
 * The one seam between the engine and where processes run. A backend stages
 * the job's inputs, runs its command, and leaves outputs in the job's host
 * output directory; it never interprets CWL, never retries a job, and never
 * throws for a job that ran and failed: that is an outcome.
 */
export interface Backend {
  /** For logs only: nothing outside src/backends/ branches on it. */
  readonly name: string;
  readonly layout: PathLayout;
  /** Where a job runs: `inContainer` says whether the tool names an image (its own, or --default-container). */
  place(inContainer: boolean): ExecutionPlaceKind;
  run(job: CommandLineJob, signal: AbortSignal): Promise<JobOutcome>;
  /** Stops whatever still runs (pods are deleted) and releases connections; safe to call twice. */
  close(): Promise<void>;
  /** What cancelling a run undid, for the user's one line (`its step pods were deleted`); undefined when nothing to say. */
  readonly cancelNote?: string;
}

/** A cancelled job's outcome: one admitted just as the run was cancelled never starts. */
export function cancelledOutcome(durationMs = 0, stderrTail = ''): JobOutcome {
  return { kind: 'cancelled', durationMs, stderrTail };
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
