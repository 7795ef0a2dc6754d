import type { OutputCollection } from '../execute/outputCollection.js';
import { collectOutputs } from './outputs.js';
import { finalizeFiles } from './fileDetails.js';
import { FileBoundary } from './fileBoundary.js';
import { jobFileSizeLimit, type LoadLimits } from '../load/limits.js';

/**
 * The collect stage for execute/: what a finished tool's output object holds,
 * and where it may point. A cwl.output.json is bounded as a job file is.
 */
export function toolOutputs(limits: LoadLimits): OutputCollection {
  const outputObjectLimit = jobFileSizeLimit(limits);
  return {
    async commandLineTool({ tool, built, exitCode, engine, listing, inputs }) {
      // Its own directories, its inputs, and whatever was staged for it (InitialWorkDir's File and Directory literals too).
      const stagedSources = built.staging.flatMap((e) => (e.kind === 'link' || e.kind === 'copy' ? [e.source] : []));
      // The staging directory exists only when something was staged.
      const stageDir = built.staging.length > 0 ? [built.dirs.hostStageDir] : [];
      const boundary = await FileBoundary.of([built.dirs.hostOutdir, ...stageDir, ...stagedSources], inputs);
      return collectOutputs(tool, built, exitCode, engine, listing, boundary, outputObjectLimit);
    },

    async expressionTool({ outputs, params, outdir, inputs, name }) {
      // File literals are written into outdir; anything else must be an input passed through.
      const boundary = await FileBoundary.of([outdir], inputs);
      for (const p of params) {
        await boundary.check(outputs[p.id], `${name}: output '${p.id}'`);
        await finalizeFiles(outputs[p.id], outdir, `${name}: output '${p.id}'`, boundary);
      }
    },
  };
}
