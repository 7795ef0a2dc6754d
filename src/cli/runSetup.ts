import os from 'node:os';
import { toolOutputs } from '../collect/toolOutputs.js';
import { DEFAULT_BACKOFF, EVICTION_RETRIES } from '../execute/retryPolicy.js';
import type { RunContext } from '../execute/runContext.js';
import { openWorkReuse } from '../execute/cache/reuse.js';
import { ScratchSpace } from '../execute/scratchSpace.js';
import { ToolRunner } from '../execute/toolRunner.js';
import { InplaceUpdates } from '../execute/inplaceUpdates.js';
import { secretValues } from '../job/secrets.js';
import { loadOntologies } from '../load/ontologies.js';
import { RemoteInputs } from '../files/remoteInputs.js';
import type { Logger } from '../logger.js';
import type { Process } from '../model/types.js';
import { RequirementSet } from '../model/requirements.js';
import { Progress } from '../report/progress.js';
import { UsageReport } from '../report/usageReport.js';
import { ResourcePool } from '../schedule/resourcePool.js';
import { openBackend } from './backendChoice.js';
import type { EngineOptions } from './engineOptions.js';
import type { RunHandles, UsageReportFile } from './runHandles.js';
import type { RunSettings } from './runOptions.js';

/** --max-cores and --max-ram, or the machine's. */
export interface RunLimits {
  readonly cores: number;
  readonly ramBytes: number;
}

export function runLimits(run: RunSettings): RunLimits {
  return { cores: run.maxCores ?? os.availableParallelism(), ramBytes: run.maxRamBytes ?? os.totalmem() };
}

/** --usage-report FILE: a report measured against the run's limits. */
export function usageReportFile(file: string | undefined, limits: RunLimits): UsageReportFile | undefined {
  return file !== undefined ? { report: new UsageReport(limits.cores, limits.ramBytes), file } : undefined;
}

/** What the RunContext is made from: the top-level process and job, the options, and the run's signal. */
export interface RunSetup {
  readonly process: Process;
  readonly job: Record<string, unknown>;
  readonly options: EngineOptions;
  readonly limits: RunLimits;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/**
 * Opens the progress line, the backend, the scratch space and the
 * remote-input store (into `handles`), builds the run's one tool runner
 * over them, and the RunContext.
 */
export async function openRunContext(setup: RunSetup, handles: RunHandles): Promise<RunContext> {
  const { options, logger, signal } = setup;
  const run = options.run;
  const progress = (handles.progress = new Progress(process.stderr.isTTY === true && options.log.progress));
  const backend = (handles.backend = await openBackend(options.backend, logger));
  // The backend may give the run a directory of its own under each prefix (on a claim, for Kubernetes).
  const ownPrefix = (p: string): Promise<string> => backend.layout.runScratchPrefix?.(p) ?? Promise.resolve(p);
  const prefixes = { tmpOutdir: await ownPrefix(options.scratch.tmpOutdirPrefix), tmpdir: await ownPrefix(options.scratch.tmpdirPrefix) };
  const scratch = (handles.scratch = new ScratchSpace(prefixes, backend.layout, options.scratch.leaveTmpdir));
  const remote = (handles.remote = new RemoteInputs({ prefix: prefixes.tmpOutdir, limits: run.downloadLimits, signal, logger }));
  const ontologies = await loadOntologies(setup.process, (m) => logger.warn(m), options.document.limits, signal);
  // The top-level process's Secrets name job-object inputs; the tool runner adds each tool's as it runs.
  for (const value of secretValues(RequirementSet.forProcess(setup.process), setup.job)) handles.secrets.add(value);
  const tools = new ToolRunner({
    backend,
    collect: toolOutputs(options.document.limits),
    pool: new ResourcePool({ cores: setup.limits.cores, ram: Math.floor(setup.limits.ramBytes / 2 ** 20), gpus: run.maxGpus }),
    retry: { temporaryFailures: run.retries, evictions: EVICTION_RETRIES, oomKills: run.oomRetries, backoff: DEFAULT_BACKOFF },
    progress,
    logger,
    secrets: handles.secrets,
    ...(handles.usage ? { usage: handles.usage.report } : {}),
    jobs: options.jobs,
    strict: run.strict,
    inplaceUpdates: new InplaceUpdates(),
    ...(run.cachedir !== undefined ? { reuse: await openWorkReuse(run.cachedir) } : {}),
  });
  return { tools, scratch, engines: handles.engines, ontologies, logger, remote, signal, onError: run.onError, strict: run.strict };
}
