import { readFile, stat } from 'node:fs/promises';
import { loadJobFile } from '../load/jobFile.js';
import type { LoadLimits } from '../load/limits.js';
import type { SplitArgv } from './splitArgv.js';

/** Where a document names the process it is a job for: `cwl:tool`, quoted or not, in YAML or JSON. */
const NAMES_TOOL = /["']?cwl:tool["']?\s*:/;

/**
 * `bespin job.yml`: a job file in the document's place that names its
 * process with `cwl:tool` runs that process with the job file as its job
 * object, as cwltool does (a job file given after it, and `--input value`s,
 * override its inputs). Any other document is left as given. Only a local
 * file within the job-file size limit is looked into, and only when its text
 * mentions `cwl:tool`, so that a CWL document is not parsed twice.
 */
export async function toolOfJobFile(split: SplitArgv, limits: LoadLimits, signal: AbortSignal): Promise<SplitArgv> {
  const document = split.document;
  if (document === undefined || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(document) || document.includes('#')) return split;
  try {
    if ((await stat(document)).size > limits.jobFileBytes || !NAMES_TOOL.test(await readFile(document, 'utf8'))) return split;
  } catch {
    return split; // the process loader says what is wrong with it
  }
  let tool: string | undefined;
  try {
    const job = await loadJobFile(document, { signal, limits });
    // A CWL document whose text merely mentions cwl:tool is still the document.
    tool = 'class' in job.inputs || 'cwlVersion' in job.inputs ? undefined : job.tool;
  } catch (error) {
    signal.throwIfAborted();
    return split; // not a job file: the process loader says what is wrong with the document
  }
  if (tool === undefined) return split;
  return { ...split, document: tool, toolJobFile: document };
}
