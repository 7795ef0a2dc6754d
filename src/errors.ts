/**
 * Errors a user can cause carry the exit code cwltool would use; anything else
 * is an InternalError and is reported as a bug. Only the CLI exits the process.
 */
export class UserError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An engine option or environment variable with a value it cannot take: exit 2, as argparse's usage errors in cwltool. */
export class UsageError extends UserError {
  override readonly exitCode = 2;
}

/** The document or job object is not valid CWL. */
export class ValidationError extends UserError {}

/** A requirement (or feature) the engine does not implement: exit 33 like cwltool. */
export class UnsupportedRequirementError extends UserError {
  override readonly exitCode = 33;
}

/** A process ran and failed permanently (non-success exit code, bad outputs). */
export class PermanentFailure extends UserError {}

/**
 * A job's container image could not be pulled, loaded or built while
 * DockerRequirement was only a hint: exit 1, and, as cwltool (whose error
 * escapes its executor there), the run ends with no output object.
 */
export class ContainerUnavailable extends PermanentFailure {}

/**
 * The error for a job whose image Docker could not give: unsupported (33)
 * when DockerRequirement is a requirement, the tool being unable to run
 * without it (as --no-container's refusal), else ContainerUnavailable (1).
 */
export function containerUnavailable(message: string, required: boolean, cause?: unknown): UserError {
  return required
    ? new UnsupportedRequirementError(`${message}; the tool cannot run without its container (a required DockerRequirement, not a hint)`, { cause })
    : new ContainerUnavailable(`${message}; DockerRequirement is only a hint: --no-container runs the tool on the host instead`, { cause });
}

/** A process failed in a way that may succeed on retry (temporaryFailCodes). */
export class TemporaryFailure extends UserError {}

export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a file system call failed, in words a user can act on: a file that is
 * there but unreadable is "permission denied", never "not found".
 */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'not found';
    case 'ENOTDIR': return 'not found (a parent is not a directory)';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    default: return errorMessage(error);
  }
}
