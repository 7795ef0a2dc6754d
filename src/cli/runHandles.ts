import type { Backend } from '../backends/backend.js';
import { errorMessage } from '../errors.js';
import type { ExpressionEngines } from '../expressions/engines.js';
import type { ScratchSpace } from '../execute/scratchSpace.js';
import type { RemoteInputs } from '../files/remoteInputs.js';
import type { Logger } from '../logger.js';
import type { SecretMask } from '../job/secrets.js';
import type { Progress } from '../report/progress.js';
import type { UsageReport } from '../report/usageReport.js';

/** --usage-report: the report the run fills, and the file it goes to at the end. */
export interface UsageReportFile {
  readonly report: UsageReport;
  readonly file: string;
}

/**
 * What a run opens and must give back however it ends. The run fills it in
 * as it opens each part, so a failure before the backend (say) finds only
 * what was opened.
 */
export class RunHandles {
  progress: Progress | undefined;
  remote: RemoteInputs | undefined;
  backend: Backend | undefined;
  /** The run's job directories: relocation moves outputs out of them, and the run's end removes them. */
  scratch: ScratchSpace | undefined;

  constructor(
    readonly engines: ExpressionEngines,
    readonly usage: UsageReportFile | undefined,
    /** The run's secrets, which the CLI made: the tool runner fills it, the logger and every ERROR line are masked with it. */
    readonly secrets: SecretMask,
  ) {}

  /**
   * Removes a failed run's job directories and downloads. Pods are deleted
   * first (a pod may still be writing into its directory on the claim).
   */
  async removeFailedRunFiles(): Promise<void> {
    // A failed close is reported by the second one, in close().
    await this.backend?.close().catch(() => undefined);
    await this.scratch?.removeAll();
    await this.remote?.remove();
  }

  /**
   * The run's last act, once every step has settled: the backend is shut
   * down, then --usage-report written, the progress line ended and the
   * expression sandboxes stopped. Nothing here throws: a failure is reported.
   */
  async close(logger: Logger): Promise<void> {
    await this.backend?.close().catch((e: unknown) => logger.warn(`cannot shut the backend down cleanly (step pods or containers may be left): ${errorMessage(e)}`));
    const usage = this.usage;
    if (usage) {
      await usage.report.write(usage.file).catch((error: unknown) => process.stderr.write(`ERROR --usage-report ${usage.file}: ${errorMessage(error)}\n`));
    }
    this.progress?.close();
    await this.engines.close();
  }
}
