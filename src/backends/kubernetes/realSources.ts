import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { PermanentFailure } from '../../errors.js';
import { hostWriteDirs, type CommandLineJob } from '../../job/commandLineJob.js';
import type { StagingEntry } from '../../job/staging.js';
import { PathMapper, within } from '../../job/pathMapping.js';
import type { VolumeMap } from './storage.js';

/**
 * The job with each staged link pointing at its source's real path, checked
 * to be on a claim. A pod mounts each input by itself (a subPath), so a link
 * through another symlink would dangle in the pod, and the kubelet refuses a
 * subPath through a symlink that leaves the volume; a source that resolves
 * off the claims (a step's symlink to the engine's kubeconfig, say) is
 * refused here, before anything is staged. A missing source is refused too:
 * the kubelet would make an empty directory in its place on the claim.
 */
export async function withRealSources(job: CommandLineJob, volumes: VolumeMap): Promise<CommandLineJob> {
  for (const p of hostWriteDirs(job.dirs)) {
    if (!volumes.find(p)) {
      throw new PermanentFailure(`${job.name}: ${p} is on no mounted volume, so a pod cannot see it; set --tmp-outdir-prefix/--tmpdir-prefix to a directory on a PVC`);
    }
  }
  const staging = await Promise.all(job.staging.map(async (e): Promise<StagingEntry> => {
    if (e.kind !== 'link' && e.kind !== 'copy') return e;
    const real = await realpath(e.source).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PermanentFailure(`${job.name}: input ${e.source} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`);
    });
    if (!volumes.find(real)) {
      const resolved = real === e.source ? '' : ` (it resolves to ${real})`;
      throw new PermanentFailure(`${job.name}: input ${e.source}${resolved} is on no mounted volume, so a pod cannot read it`);
    }
    // A copy is made by the engine, which reads what the path names; only a link's target must be the real one.
    return e.kind === 'link' ? { ...e, source: real } : e;
  }));
  // The job's path map follows its staging plan: links to the real sources.
  return { ...job, staging, paths: PathMapper.forJob({ ...job, staging }) };
}

/**
 * The staging entries where the engine makes them: one in the output
 * directory a DockerRequirement chose (dockerOutputDirectory, where the pod
 * mounts the job's output directory too) is made in the job's own output
 * directory on its claim.
 */
export function stagedOnClaims(job: CommandLineJob): StagingEntry[] {
  const outdir = job.runtime.outdir;
  if (outdir === job.dirs.hostOutdir) return [...job.staging];
  return job.staging.map((e) => (within(e.target, outdir) ? { ...e, target: path.join(job.dirs.hostOutdir, path.posix.relative(outdir, e.target)) } : e));
}
