import { within } from '../job/pathMapping.js';
import type { StagingEntry } from '../job/staging.js';
import { PermanentFailure } from '../errors.js';

/**
 * A tool's `stdin` is opened by the engine, on the host, and handed to the
 * process: it must name something staged for the job (an input File, a file
 * inside an input Directory, an InitialWorkDir entry) as the process sees it,
 * never another path of the host (cwltool looks it up in the job's path map
 * and refuses what is not there). Checked on the path's words alone, so `..`
 * is refused outright rather than resolved.
 */
export function checkStdin(stdin: string | undefined, staging: readonly StagingEntry[], where: string): void {
  if (stdin === undefined) return;
  const refuse = (why: string): never => {
    throw new PermanentFailure(`${where}: stdin '${stdin}' is not a File among the job's inputs: ${why}`);
  };
  if (!stdin.startsWith('/')) refuse('it must be an input\'s path, such as $(inputs.file.path)');
  if (stdin.split('/').some((s) => s === '.' || s === '..')) refuse("it must be an input's path as given, without '.' or '..'");
  const staged = staging.some((e) => e.kind !== 'mkdir' && within(stdin, e.target.endsWith('/') ? e.target.slice(0, -1) : e.target));
  if (!staged) refuse('only what is staged for the step can be its standard input');
}
