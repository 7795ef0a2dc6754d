import os from 'node:os';
import path from 'node:path';
import { toolOutputs } from '../collect/toolOutputs.js';
import { DEFAULT_BACKOFF, EVICTION_RETRIES } from '../execute/retryPolicy.js';
import type { RunContext } from '../execute/runContext.js';
import { openWorkReuse } from '../execute/cache/reuse.js';
import { secretValues, type SecretMask } from '../job/secrets.js';
import { loadOntologies } from '../load/ontologies.js';
import { RemoteInputs } from '../files/remoteInputs.js';
import type { Logger } from '../logger.js';
import type { Process } from '../model/types.js';
import { RequirementSet } from '../model/requirements.js';
import { Progress } from '../report/progress.js';
import { UsageReport } from '../report/usageReport.js';
import { ResourcePool } from '../schedule/resourcePool.js';
import { openBackend } from './backendChoice.js';
import type { OptionValues } from './conf.js';
import { scratchPrefix } from './options.js';
import type { RunHandles, UsageReportFile } from './runHandles.js';
import type { RunOptions } from './runOptions.js';
import { preservedEnvironment } from './selection.js';

/** --max-cores and --max-ram, or the machine's. */
export interface RunLimits {
  readonly cores: number;
  readonly ramBytes: number;
}

export function runLimits(checked: RunOptions): RunLimits {
  return { cores: checked.maxCores ?? os.availableParallelism(), ramBytes: checked.maxRamBytes ?? os.totalmem() };
}

/** --usage-report FILE: a report measured against the run's limits. */
export function usageReportFile(options: OptionValues, limits: RunLimits): UsageReportFile | undefined {
  const file = options['usage-report'];
  return typeof file === 'string' ? { report: new UsageReport(limits.cores, limits.ramBytes), file } : undefined;
}

/** cwltool's --rm-tmpdir undoes a --leave-tmpdir given earlier (a conf file's, say). */
export function leavesTmpdir(options: OptionValues): boolean {
  return Boolean(options['leave-tmpdir']) && !options['rm-tmpdir'];
}

/** What the RunContext is made from: the top-level process and job, the options, and the run's signal. */
export interface RunSetup {
  readonly process: Process;
  readonly job: Record<string, unknown>;
  readonly options: OptionValues;
  readonly checked: RunOptions;
  readonly limits: RunLimits;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** Opens the progress line, the remote-input store and the backend (into `handles`), and builds the RunContext over them. */
export async function openRunContext(setup: RunSetup, handles: RunHandles): Promise<RunContext> {
  const { options, checked, logger, signal } = setup;
  const tmp = os.tmpdir();
  const progress = (handles.progress = new Progress(process.stderr.isTTY === true && !options.quiet && typeof options.stderr !== 'string'));
  const backend = (handles.backend = await openBackend(options, checked, logger));
  // The backend may give the run a directory of its own under each prefix (on a claim, for Kubernetes).
  const ownPrefix = (p: string): Promise<string> => backend.layout.runScratchPrefix?.(p) ?? Promise.resolve(p);
  const tmpOutdirPrefix = await ownPrefix(scratchPrefix(options['tmp-outdir-prefix'], path.join(tmp, 'bespin-out-')));
  const tmpdirPrefix = await ownPrefix(scratchPrefix(options['tmpdir-prefix'], path.join(tmp, 'bespin-tmp-')));
  const remote = (handles.remote = new RemoteInputs({ prefix: tmpOutdirPrefix, limits: checked.downloadLimits, signal, logger }));
  const preservedEnv = preservedEnvironment(options);
  return {
    backend,
    engines: handles.engines,
    ontologies: await loadOntologies(setup.process, (m) => logger.warn(m), undefined, signal),
    logger,
    collect: toolOutputs,
    ...(typeof options['default-container'] === 'string' ? { defaultContainer: options['default-container'] } : {}),
    tmpOutdirPrefix,
    tmpdirPrefix,
    leaveTmpdir: leavesTmpdir(options),
    strict: Boolean(options.strict) && !options['non-strict'],
    ...(preservedEnv ? { preservedEnv } : {}),
    signal,
    pool: new ResourcePool({ cores: setup.limits.cores, ram: Math.floor(setup.limits.ramBytes / 2 ** 20), gpus: checked.maxGpus }),
    onError: checked.onError,
    progress,
    jobOutdirs: handles.jobOutdirs,
    retry: { temporaryFailures: checked.retries, evictions: EVICTION_RETRIES, oomKills: checked.oomRetries, backoff: DEFAULT_BACKOFF },
    ...(handles.usage ? { usage: handles.usage.report } : {}),
    remote,
    ...(typeof options.cachedir === 'string' ? { reuse: await openWorkReuse(path.resolve(options.cachedir)) } : {}),
    // The top-level process's Secrets name job-object inputs; tools add their own as they run.
    secrets: withTopLevelSecrets(handles.secrets, setup),
  };
}

function withTopLevelSecrets(secrets: SecretMask, setup: RunSetup): SecretMask {
  for (const value of secretValues(RequirementSet.forProcess(setup.process), setup.job)) secrets.add(value);
  return secrets;
}
