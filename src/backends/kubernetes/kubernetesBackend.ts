import type { WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CoreV1Api, Log, type KubeConfig } from '@kubernetes/client-node';
import { CONTAINER_TMPDIR, type CommandLineJob } from '../../job/commandLineJob.js';
import { stageOnHost } from '../host/hostStaging.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { TailBuffer, cancelledOutcome, openToolLog, type Backend, type ExecutionPlaceKind, type JobOutcome, type PathLayout } from '../backend.js';
import { ToolOutputLines } from '../toolOutput.js';
import { apiErrorDetail, apiStatus } from './apiErrors.js';
import { withRetries, type RetryPolicy } from './apiRetry.js';
import { podName } from './names.js';
import { buildPodSpec, CONTAINER_NAME, RUN_LABEL, type PodOptions } from './podSpec.js';
import { MAX_POD_MOUNTS, podMounts, type PodMounts } from './podMounts.js';
import { jobOutcomeOf } from './podOutcome.js';
import type { PodOutcome } from './podDecision.js';
import { PodWatcher } from './podWatcher.js';
import { stagedOnClaims, withRealSources } from './realSources.js';
import type { VolumeMap } from './storage.js';

export interface KubernetesBackendOptions {
  readonly kc: KubeConfig;
  readonly pod: PodOptions;
  readonly volumes: VolumeMap;
  readonly retry: RetryPolicy;
  readonly deletePods: boolean;
  readonly streamLogs: boolean;
  readonly toolLogsBasepath?: string;
  readonly unschedulableTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * Runs each CommandLineJob as a pod. One PodWatcher (a single informer) per
 * run tracks every pod; logs are streamed while a pod runs and read whole
 * after it ends when the stream did not see it run.
 */
export class KubernetesBackend implements Backend {
  readonly name = 'kubernetes';
  readonly cancelNote = 'its step pods were deleted';
  /**
   * Every job is a pod (the default image when the tool names none); a pod
   * mounts each claim where the engine has it, so paths need no mapping,
   * but for a dockerOutputDirectory (the output directory mounted there too).
   */
  readonly layout: PathLayout = {
    containers: 'always',
    containerPaths: 'engine',
    // The pod's own /tmp (an emptyDir, as Calrissian gives) when the tmpdir prefix is on no claim.
    privateTmpdir: (tmpdirPrefix) => {
      const dir = tmpdirPrefix.endsWith('/') ? tmpdirPrefix : path.dirname(tmpdirPrefix);
      return this.options.volumes.find(dir) ? undefined : CONTAINER_TMPDIR;
    },
    runScratchPrefix: (prefix) => this.#runScratchPrefix(prefix),
  };
  readonly #core: CoreV1Api;
  readonly #watcher: PodWatcher;
  readonly #live = new Set<string>();
  readonly #deleting = new Set<Promise<void>>();
  /** The run's own directory in each scratch directory on a claim, by that directory. */
  readonly #runDirectories = new Map<string, Promise<string>>();
  readonly #madeRunDirectories: string[] = [];
  #started: Promise<void> | undefined;

  constructor(readonly options: KubernetesBackendOptions) {
    this.#core = options.kc.makeApiClient(CoreV1Api);
    this.#watcher = new PodWatcher(options.kc, this.#core, options.pod.namespace, `${RUN_LABEL}=${options.pod.runId}`, options.logger, options.unschedulableTimeoutMs);
  }

  async run(job: CommandLineJob, signal: AbortSignal): Promise<JobOutcome> {
    // A job admitted just as the run was cancelled must not create a pod.
    if (signal.aborted) return cancelledOutcome();
    this.#started ??= this.#watcher.start();
    await this.#started;
    const real = await withRealSources(job, this.options.volumes);
    if (real.staging.length > 0) await mkdir(real.dirs.hostStageDir, { recursive: true });
    await stageOnHost(stagedOnClaims(real), [real.dirs.hostOutdir, real.dirs.hostStageDir]);
    const started = performance.now();
    // One pod per call: retries (eviction, OOMKilled) are the engine's, above the backends.
    const { outcome, tail, podName: name } = await this.#attempt(real, signal);
    const durationMs = performance.now() - started;
    if (signal.aborted) return cancelledOutcome(durationMs, tail);
    return jobOutcomeOf(outcome, name, durationMs, tail);
  }

  /** One pod for the job: create, watch to an outcome, collect its log, delete. */
  async #attempt(job: CommandLineJob, signal: AbortSignal): Promise<{ outcome: PodOutcome; tail: string; podName: string }> {
    const name = podName(job.name);
    const pod = buildPodSpec(job, name, job.name, job.resources, this.#mounts(job), this.options.pod);
    const ns = this.options.pod.namespace;
    const tail = new TailBuffer();
    const logFile = await openToolLog(this.options.toolLogsBasepath, job.name);
    const sink = this.#sink(job.name, tail, logFile);
    const sinkDone = new Promise<void>((resolve) => sink.on('end', resolve));
    let streaming: Promise<AbortController> | undefined;
    // A failure leaves as one line naming the call (`cannot create pods in namespace x: forbidden (403): …`).
    await withRetries({ verb: 'create', resource: 'pods', namespace: ns, step: job.name }, () => this.#core.createNamespacedPod({ namespace: ns, body: pod }), this.options.retry, { signal, onRetry: (m) => this.options.logger.warn(m) });
    this.#live.add(name);
    const debug = this.options.logger.isLevelEnabled('debug') ? (msg: string): void => this.options.logger.debug({ step: job.name, pod: name }, msg) : (): void => undefined;
    debug('pod created');
    const onAbort = (): void => {
      this.#watcher.cancel(name);
      void this.#delete(name);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let outcome: PodOutcome;
    try {
      outcome = await this.#watcher.wait(name, job.name, () => {
        if (this.options.streamLogs) streaming = new Log(this.options.kc).log(ns, name, CONTAINER_NAME, sink, { follow: true });
      });
      debug(`pod outcome: ${outcome.kind}`);
      // The follow request is never aborted: client-node's log stream has no
      // error listener, so an abort would crash the engine. It ends by itself
      // when the container ends or the pod is deleted. A follow that could not
      // start is no failure: the whole log is read below instead.
      const stream = streaming ? await streaming.catch((error: unknown) => { this.options.logger.debug(`${job.name}: following the log of pod ${name} failed (${apiErrorDetail(error)}); reading it whole`); return undefined; }) : undefined;
      if (stream && outcome.kind === 'terminated') {
        // A followed log ends when the container does; give it a moment to drain.
        await Promise.race([sinkDone, new Promise((r) => setTimeout(r, 5000).unref())]);
        debug(sink.writableEnded ? 'followed log ended' : 'followed log still open after 5 s');
      } else {
        // Short-lived pods end before a stream starts: read the whole log once.
        const text = await withRetries({ verb: 'get', resource: 'pods/log', namespace: ns, name }, () => this.#core.readNamespacedPodLog({ name, namespace: ns, container: CONTAINER_NAME }), this.options.retry)
          .catch((error: unknown) => {
            // The step's outcome stands without its log; the failure message says why the tail is missing.
            const why = `the log of pod ${name} could not be read: ${errorMessage(error)}`;
            this.options.logger.warn(`${job.name}: ${why}`);
            tail.push(Buffer.from(`(${why})\n`));
            return '';
          });
        if (!sink.writableEnded && text !== '') sink.write(text);
        debug('log read whole');
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!sink.writableEnded) sink.end();
      logFile?.end();
      // --leave-container / CALRISSIAN_DELETE_PODS=no: a finished pod stays for
      // inspection (and is no longer ours to delete at shutdown); a cancelled one goes.
      if (this.options.deletePods || signal.aborted) await this.#delete(name);
      else this.#live.delete(name);
      debug('pod done with');
    }
    return { outcome, tail: tail.toString(), podName: name };
  }

  /** Deletes every pod of the run that still exists (SIGTERM/SIGINT, end of run). */
  async close(): Promise<void> {
    await Promise.all([...this.#live].map((n) => this.#delete(n)));
    await Promise.all(this.#deleting);
    await this.#watcher.stop();
    // Empty once the run's job directories are gone; kept (not empty) under --leave-tmpdir or --leave-outputs.
    await Promise.all(this.#madeRunDirectories.map((d) => rmdir(d).catch(() => undefined)));
  }

  place(): ExecutionPlaceKind {
    return 'pod';
  }

  /** The job's own paths on the claims and nothing else; past the bound, the run's directory instead of each input (said once per pod). */
  #mounts(job: CommandLineJob): PodMounts {
    const planned = podMounts(job, { volumes: this.options.volumes, runDirectories: this.#madeRunDirectories });
    if (planned.widened) {
      this.options.logger.warn(`${job.name}: ${planned.widened.mounts} mounts are more than ${MAX_POD_MOUNTS}: the pod mounts the run's directory ${planned.widened.directories.join(', ')} read-only instead of each input in it`);
    }
    return planned;
  }

  /**
   * A directory of the run's own in a scratch directory on a claim, for its
   * job directories: what a pod may see of the run's other jobs, past the
   * mounts' bound, is then this run's and no other's. A prefix on no claim
   * is left as it is (the pod never sees it).
   */
  async #runScratchPrefix(prefix: string): Promise<string> {
    const dir = prefix.endsWith('/') ? path.resolve(prefix) : path.dirname(path.resolve(prefix));
    const claim = this.options.volumes.find(dir);
    if (!claim) return prefix;
    let made = this.#runDirectories.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true }).then(() => mkdtemp(path.join(dir, 'run-')));
      made.then((d) => this.#madeRunDirectories.push(d), () => undefined);
      this.#runDirectories.set(dir, made);
    }
    const runDir = await made;
    return prefix.endsWith('/') ? `${runDir}/` : path.join(runDir, path.basename(prefix));
  }

  #delete(name: string): Promise<void> {
    if (!this.#live.delete(name)) return Promise.resolve();
    const deletion = this.#deleteNow(name).finally(() => this.#deleting.delete(deletion));
    this.#deleting.add(deletion);
    return deletion;
  }

  async #deleteNow(name: string): Promise<void> {
    const namespace = this.options.pod.namespace;
    await withRetries({ verb: 'delete', resource: 'pods', namespace, name }, () => this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }), this.options.retry)
      // Already gone is what deleting wanted; anything else leaves a pod behind, and the user is told.
      .catch((error: unknown) => { if (apiStatus(error) !== 404) this.options.logger.warn(errorMessage(error)); });
  }

  /**
   * Log lines go to the engine's log with a step prefix (at info, as
   * Calrissian logs them: one record per line, so the JSON log stays JSON),
   * to the step's log file as they came, and to the failure tail.
   */
  #sink(step: string, tail: TailBuffer, file: WriteStream | undefined): PassThrough {
    const sink = new PassThrough();
    // An aborted follow request destroys the sink with an AbortError: the log
    // is then read whole instead, so the error itself needs no handling.
    sink.on('error', () => undefined);
    const lines = new ToolOutputLines(this.options.logger, step);
    sink.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      file?.write(chunk);
      lines.write(chunk);
    });
    sink.on('end', () => lines.end());
    return sink;
  }
}

