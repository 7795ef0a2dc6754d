import type { CommandLineTool, Requirement } from '../../model/types.js';
import type { RequirementSet } from '../../model/requirements.js';
import type { ExpressionEngine } from '../../expressions/index.js';
import { PermanentFailure, UserError, errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { cacheKey, type ExecutionPlace } from './cacheKey.js';
import { ContentChecksums } from './contentChecksums.js';
import { StepCache } from './stepCache.js';

/** What a run needs for work reuse (--cachedir). */
export interface WorkReuse {
  readonly cache: StepCache;
  readonly checksums: ContentChecksums;
}

/** Opens --cachedir (making it when missing), one clear line when it cannot be used. */
export async function openWorkReuse(dir: string): Promise<WorkReuse> {
  try {
    return { cache: await StepCache.open(dir), checksums: new ContentChecksums() };
  } catch (error) {
    throw new UserError(`--cachedir ${dir}: ${errorMessage(error)}`);
  }
}

export interface ReuseContext {
  readonly reuse?: WorkReuse;
  readonly logger: Logger;
  readonly place: ExecutionPlace;
}

/** The first characters of a key, enough to find its entry in logs and the cache directory. */
export const keyPrefix = (key: string): string => key.slice(0, 12);

/**
 * The cache key of this run of `tool`, or undefined when it must run and
 * not be published: no --cachedir, WorkReuse says enableReuse false
 * (cwltool's `cwltool:WorkReuse` hint too; the field may be an expression),
 * or the tool updates its inputs in place (InplaceUpdateRequirement).
 */
export async function reuseKey(
  ctx: ReuseContext, tool: CommandLineTool, requirements: RequirementSet, inputs: Record<string, unknown>, engine: ExpressionEngine, name: string,
): Promise<string | undefined> {
  if (!ctx.reuse) return undefined;
  // Its effect includes changes to its inputs, which no entry holds: it always runs.
  const inplace = requirements.get('InplaceUpdateRequirement') ?? requirements.get('cwltool:InplaceUpdateRequirement');
  if (inplace?.inplaceUpdate === true) return undefined;
  const workReuse = requirements.get('WorkReuse') ?? requirements.get('cwltool:WorkReuse');
  if (workReuse?.enableReuse !== undefined) {
    const enabled = await engine.evaluate(workReuse.enableReuse, { inputs, self: null, runtime: {} });
    if (typeof enabled !== 'boolean') throw new PermanentFailure(`${name}: WorkReuse enableReuse must be a boolean, got ${JSON.stringify(enabled)}`);
    if (!enabled) return undefined;
  }
  const filled = await ctx.reuse.checksums.fill({ inputs, requirements: requirements.effective() }) as { inputs: Record<string, unknown>; requirements: Requirement[] };
  return cacheKey({ tool, requirements: filled.requirements, inputs: filled.inputs, place: ctx.place });
}

/** The step's outputs restored from the cache into `outdir`, or undefined on a miss (or an entry that could not be copied). */
export async function reuseOutputs(ctx: ReuseContext, key: string, name: string, makeOutdir: () => Promise<string>): Promise<Record<string, unknown> | undefined> {
  const entry = await ctx.reuse?.cache.lookup(key);
  if (!entry) return undefined;
  try {
    const outputs = await ctx.reuse!.cache.restore(entry, await makeOutdir());
    ctx.logger.info({ step: name, cacheKey: key }, `[${name}] reused from the cache (key ${keyPrefix(key)})`);
    return outputs;
  } catch (error) {
    ctx.logger.warn(`[${name}] cache entry ${keyPrefix(key)} could not be restored, running the step: ${errorMessage(error)}`);
    return undefined;
  }
}

/** Publishes a finished step; a cache that cannot be written costs only the reuse, never the run. */
export async function publishOutputs(ctx: ReuseContext, key: string, outputs: Record<string, unknown>, name: string): Promise<void> {
  try {
    const result = await ctx.reuse!.cache.publish(key, outputs, name);
    ctx.logger.debug({ step: name, cacheKey: key }, `[${name}] ${result === 'published' ? 'cached' : 'already cached'} (key ${keyPrefix(key)})`);
  } catch (error) {
    ctx.logger.warn(`[${name}] outputs could not be cached (key ${keyPrefix(key)}): ${errorMessage(error)}`);
  }
}
