import path from 'node:path';
import { cwd } from 'node:process';
import type { Process } from '../model/types.js';
import { RequirementSet } from '../model/requirements.js';
import { loadJobFile, type JobFile } from '../load/jobFile.js';
import { uriToPath } from '../files/uri.js';
import { checkJobRequirements, completeJobObject } from '../validate/jobObject.js';
import type { DocumentOptions } from './engineOptions.js';
import { selectProcess } from './selection.js';
import type { SplitArgv } from './splitArgv.js';
import { readStdinJob } from './stdinJob.js';
import { parseToolInputs } from './toolInputs.js';

/** What the user asked to run: the selected process, its complete job object, and what it inherits. */
export interface TopLevelJob {
  readonly process: Process;
  readonly job: Record<string, unknown>;
  /** Requirements from the job file and, under --single-step, from the enclosing workflow and step. */
  readonly inherited: RequirementSet | undefined;
  /** The name the run's log lines use for the process. */
  readonly name: string;
}

/**
 * Loads the document (--overrides, --single-step, --target applied) and its
 * job object: the job file or standard input, then the `--input value`
 * arguments over it, checked against the process's inputs.
 */
export async function loadTopLevelJob(
  document: string, split: SplitArgv, loading: DocumentOptions, signal: AbortSignal, warn: (message: string) => void,
): Promise<TopLevelJob> {
  const given = split.jobFile === '-' ? await readStdinJob(loading.limits)
    : split.jobFile ? await loadJobFile(split.jobFile, { signal, limits: loading.limits })
    : { inputs: {}, requirements: [] };
  const toolJob = split.toolJobFile ? await loadJobFile(split.toolJobFile, { signal, limits: loading.limits }) : undefined;
  const jobFile = toolJob ? underJobFile(toolJob, given) : given;
  // Both job files' cwltool:overrides, the later one winning for the same key.
  const overrides = [toolJob?.overrides, given.overrides].filter((t) => t !== undefined);
  const selected = await selectProcess(document, loading, signal, path.basename(document), warn, overrides);
  const process = selected.process;
  const fromArgs = parseToolInputs(split.toolInputs, process.inputs, cwd());
  const named = split.jobFile ?? split.toolJobFile;
  const where = named === '-' ? 'job object on standard input' : named ? `job ${named}` : path.basename(document);
  checkJobRequirements(process.originalVersion, jobFile.requirements, where);
  const job = completeJobObject(process.inputs, { ...jobFile.inputs, ...fromArgs }, where);
  const fromJob = jobFile.requirements.length > 0 ? RequirementSet.fromJobObject(jobFile.requirements) : undefined;
  const inherited = selected.enclosing?.reduce<RequirementSet | undefined>(
    (outer, { workflow, step }) => RequirementSet.forProcess(workflow, outer).withLayer(step.requirements, step.hints), fromJob) ?? fromJob;
  const name = process.id ? process.id.split(/[#/]/).pop()! : path.basename(document);
  return { process, job, inherited, name: name || path.basename(uriToPath(document)) };
}

/** The job file that named the tool (`bespin job.yml`), with a job file given after it over it, as cwltool layers them. */
function underJobFile(toolJob: JobFile, over: JobFile): JobFile {
  return { inputs: { ...toolJob.inputs, ...over.inputs }, requirements: [...toolJob.requirements, ...over.requirements] };
}
