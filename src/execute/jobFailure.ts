import type { JobOutcome } from '../backends/backend.js';
import type { CommandLineTool } from '../model/types.js';
import { PermanentFailure } from '../errors.js';

/**
 * A CommandLineTool job that ran and failed for good: it carries the step,
 * the last attempt's outcome (exit code, or the pod, its reason and log
 * tail) and how many attempts were made, so a caller can explain or count
 * failures without parsing the message.
 */
export class JobFailed extends PermanentFailure {
  constructor(readonly step: string, readonly outcome: JobOutcome, readonly attempts: number, message: string) {
    super(message);
  }
}

/** The last lines of a tool's stderr (or a pod's log), on lines of their own below the message. */
function tailLines(text: string): string {
  const trimmed = text.trim();
  return trimmed ? `\n${trimmed.split('\n').slice(-10).join('\n')}` : '';
}

/** What the job was run with, as failure messages name it. */
export interface JobShape {
  readonly timeLimitSeconds?: number | undefined;
  /** The memory limit of the attempt (ramMax, else ramMin), MiB. */
  readonly memoryLimitMiB?: number | undefined;
}

/** The one line (and the tool's last words) a failed outcome is reported with. */
export function failureMessage(step: string, outcome: JobOutcome, temporaryFailCodes: readonly number[], shape: JobShape): string {
  switch (outcome.kind) {
    case 'exited': {
      const what = temporaryFailCodes.includes(outcome.code) ? 'temporary-failure code' : 'code';
      return `${step}: exited with ${what} ${outcome.code}${tailLines(outcome.stderrTail)}`;
    }
    case 'timedOut':
      return `${step}: exceeded its time limit of ${outcome.limitSeconds} s`;
    case 'cancelled':
      return `${step}: cancelled`;
    case 'podFailed':
      return podFailureMessage(step, outcome, shape);
  }
}

function podFailureMessage(step: string, outcome: JobOutcome & { kind: 'podFailed' }, shape: JobShape): string {
  const pod = `${step}: pod ${outcome.pod}`;
  const tail = tailLines(outcome.logTail);
  switch (outcome.reason) {
    case 'OOMKilled':
      return `${pod} was OOMKilled (memory limit ${shape.memoryLimitMiB === undefined ? 'none' : `${shape.memoryLimitMiB} MiB`})${tail}`;
    case 'Deleted':
      return `${pod} was deleted before it finished${outcome.exitCode === undefined ? '' : ` (its container was stopped: exit code ${outcome.exitCode})`}`;
    case 'DeadlineExceeded':
      return `${pod} exceeded its time limit${shape.timeLimitSeconds === undefined ? '' : ` of ${shape.timeLimitSeconds} s`} (${outcome.detail})${tail}`;
    default:
      return `${pod} failed: ${outcome.detail}${tail}`;
  }
}

/** Whether an outcome is the tool's success by its successCodes/permanentFailCodes (temporaryFailCodes are failures). */
export function succeeded(outcome: JobOutcome, tool: Pick<CommandLineTool, 'successCodes' | 'permanentFailCodes' | 'temporaryFailCodes'>): boolean {
  if (outcome.kind !== 'exited') return false;
  const code = outcome.code;
  return tool.successCodes.includes(code) && !tool.permanentFailCodes.includes(code) && !tool.temporaryFailCodes.includes(code);
}
