import type { CommandLineJob } from '../../job/commandLineJob.js';
import type { Mount } from '../../job/pathMapping.js';
import { InternalError, ValidationError } from '../../errors.js';

export interface RunArgumentsInput {
  /** The container's name (engine-made). */
  readonly name: string;
  readonly image: string;
  readonly argv: readonly string[];
  readonly workdir: string;
  /** `uid:gid`; absent (--no-match-user): the image's own user. */
  readonly user?: string;
  /** --strict-memory-limit: Docker's --memory, in MiB. */
  readonly memoryMiB?: number;
  readonly mounts: readonly Mount[];
  readonly env: Readonly<Record<string, string>>;
  readonly remove: boolean;
  readonly network: boolean;
  /** The image's own file system read-only (cwltool's default; --no-read-only sets false). */
  readonly readOnly: boolean;
  /** For messages: the step. */
  readonly where: string;
}

/** How one container is started, beside the job: its name and user, and the backend's options. */
export interface ContainerChoices {
  readonly name: string;
  /** `uid:gid`; undefined (--no-match-user): the image's own user. */
  readonly user: string | undefined;
  readonly leaveContainer: boolean;
  readonly strictMemoryLimit?: boolean | undefined;
  readonly readOnly?: boolean | undefined;
}

/** A job's container as `docker run` is given it: its mounts are the job's path map's, its working directory its output directory. */
export function jobRunInput(job: CommandLineJob, image: string, choices: ContainerChoices): RunArgumentsInput {
  return {
    name: choices.name, image, argv: job.argv, workdir: job.runtime.outdir, ...(choices.user !== undefined ? { user: choices.user } : {}),
    ...(choices.strictMemoryLimit ? { memoryMiB: job.runtime.ram } : {}),
    mounts: job.paths.mounts, env: job.env, remove: !choices.leaveContainer, network: job.networkAccess,
    readOnly: choices.readOnly !== false, where: job.name,
  };
}

/**
 * Of Docker's default capabilities, those a tool (root in its container with
 * --no-match-user, or an engine run as root) may need for ordinary work on its
 * own files and processes. Left out: MKNOD (a device node in the output
 * directory is a door to the host's disks for whatever reads it there),
 * NET_RAW, SETFCAP, SETPCAP, SYS_CHROOT and AUDIT_WRITE.
 */
export const CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'] as const;

/** Processes (threads count) one container may have at a time: room for any tool, none for a fork bomb that takes the host down. */
export const PIDS_LIMIT = 4096;

/** What every container gets whatever the document says: no new privileges, the capabilities above, bounded processes. */
const CONFINEMENT = ['--security-opt=no-new-privileges', '--cap-drop=ALL', ...CAPABILITIES.map((c) => `--cap-add=${c}`), `--pids-limit=${PIDS_LIMIT}`];

/**
 * `docker run` arguments in which every value is one option's value or a
 * positional argument: options are written `--flag=value` (a value is never
 * read as an option), mounts are quoted, and `--` ends the options so the
 * image (checked elsewhere) and the command are never read as options.
 */
export function dockerRunArguments(input: RunArgumentsInput): string[] {
  const args = ['run', '-i', `--name=${input.name}`, `--workdir=${input.workdir}`];
  if (input.user !== undefined) args.push(`--user=${input.user}`);
  if (input.memoryMiB !== undefined) args.push(`--memory=${Math.ceil(input.memoryMiB)}m`);
  if (input.remove) args.push('--rm');
  if (!input.network) args.push('--network=none');
  args.push(...CONFINEMENT);
  // Writable places stay writable: the output directory, tmpdir and staged inputs are bind mounts.
  if (input.readOnly) args.push('--read-only=true');
  for (const m of input.mounts) args.push(mountOption(m, input.where));
  for (const [k, v] of Object.entries(input.env)) args.push(`--env=${k}=${v}`);
  args.push('--', input.image, ...input.argv);
  return args;
}

/**
 * A bind mount as Docker's `--mount` syntax needs it. Docker reads the value
 * with Go's encoding/csv, so a field holding ',', '"' or a newline is wrapped
 * in double quotes with inner quotes doubled; otherwise a path such as
 * `x,source=/,target=/hostroot` would add fields of its own.
 */
export function mountOption(m: Mount, where: string): string {
  // Docker makes a source starting with '.' relative to its own working directory.
  if (!m.source.startsWith('/')) throw new InternalError(`${where}: mount source '${m.source}' is not an absolute path`);
  const fields = ['type=bind', `source=${m.source}`, `target=${m.target}`, ...(m.readonly ? ['readonly'] : [])];
  return `--mount=${fields.map((f) => csvField(f, where)).join(',')}`;
}

function csvField(field: string, where: string): string {
  // encoding/csv turns "\r\n" into "\n" even inside quotes: such a path cannot be carried faithfully.
  if (/[\r\0]/.test(field)) throw new ValidationError(`${where}: cannot mount ${JSON.stringify(field)}: Docker's --mount syntax cannot carry a carriage return or NUL`);
  return /[,"\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
