import type { CommandLineJob } from '../../job/commandLineJob.js';
import { within } from '../../job/pathMapping.js';
import { ValidationError } from '../../errors.js';

/**
 * The directories the engine itself provides inside a container: the output
 * directory and tmpdir (host directories mounted there) and the staging root
 * (where inputs are mounted). A document may neither replace nor hide them.
 */
export interface EngineDirs {
  readonly outdir: string;
  readonly tmpdir: string;
  readonly stageRoot: string;
}

/**
 * Characters with a meaning in Docker's `--mount` syntax (and control
 * characters, which no sane path the author picks contains): quoting would
 * carry them, but a path a document names outright has no business holding
 * them, so they are refused rather than silently creating `/x,source=/...`.
 */
const NOT_PLAIN = /[,"=\u0000-\u001f\u007f]/;
const NOT_PLAIN_REASON = 'must not contain \',\', \'"\', \'=\' (they mean something in Docker\'s --mount syntax) or control characters';

/** Why `p` cannot be a path in the container, or undefined when it can. */
export function containerPathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return 'must be an absolute path';
  if (p === '/') return "must not be the container's root directory";
  // A trailing slash is harmless (relative entrynames such as `dir/` produce one).
  const segments = (p.endsWith('/') ? p.slice(1, -1) : p.slice(1)).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return "must be normalized (no '//', '.' or '..')";
  return undefined;
}

/** `p` without a trailing slash, for comparing paths. */
function canonical(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/**
 * Checks the output directory (dockerOutputDirectory) and every staging
 * target before anything is staged or run. Targets under the output directory
 * or the staging root are the engine's (file names, relative entrynames) and
 * are quoted when mounted; any other target was named outright by the
 * document (an absolute entryname) and must also be plain.
 */
export function checkContainerPaths(job: CommandLineJob): void {
  const dirs: EngineDirs = { outdir: canonical(job.runtime.outdir), tmpdir: canonical(job.runtime.tmpdir), stageRoot: job.stageRoot };
  const chosen = job.container?.requirement.dockerOutputDirectory;
  const outdirName = chosen !== undefined ? `DockerRequirement dockerOutputDirectory '${String(chosen)}'` : `output directory '${job.runtime.outdir}'`;
  const outdirProblem = containerPathProblem(job.runtime.outdir)
    ?? (NOT_PLAIN.test(job.runtime.outdir) ? NOT_PLAIN_REASON : undefined)
    ?? (within(dirs.tmpdir, dirs.outdir) ? `must not be or contain the tmpdir ${dirs.tmpdir}` : undefined)
    ?? (within(dirs.stageRoot, dirs.outdir) || within(dirs.outdir, dirs.stageRoot) ? `must be outside the engine's staging directory ${dirs.stageRoot}` : undefined);
  if (outdirProblem) throw new ValidationError(`${job.name}: ${outdirName} ${outdirProblem}`);

  for (const entry of job.staging) {
    const problem = targetProblem(entry.target, dirs);
    if (problem) throw new ValidationError(`${job.name}: cannot stage anything at '${entry.target}' in the container: it ${problem}`);
  }
}

function targetProblem(target: string, dirs: EngineDirs): string | undefined {
  const problem = containerPathProblem(target);
  if (problem) return problem;
  const t = canonical(target);
  for (const [what, dir] of [['output directory', dirs.outdir], ['tmpdir', dirs.tmpdir], ['staging directory', dirs.stageRoot]] as const) {
    if (within(dir, t)) return `would ${dir === t ? 'replace' : 'contain'} the engine's ${what} ${dir}`;
  }
  const engines = within(t, dirs.outdir) || within(t, dirs.stageRoot);
  if (!engines && NOT_PLAIN.test(t)) return NOT_PLAIN_REASON;
  return undefined;
}
