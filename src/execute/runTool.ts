import type { CommandLineTool, ExpressionTool, LoadListing } from '../model/types.js';
import { PermanentFailure } from '../errors.js';
import { RequirementSet } from '../model/requirements.js';
import { prepareInputFiles } from '../job/inputFiles.js';
import { isLoadListing } from '../load/types.js';
import { ExpressionError } from '../expressions/index.js';
import type { RunContext } from './runContext.js';
import type { PreparedJob } from './toolRunner.js';

function defaultListing(requirements: RequirementSet): LoadListing {
  const req = requirements.get('LoadListingRequirement') ?? requirements.get('cwltool:LoadListingRequirement');
  return isLoadListing(req?.loadListing) ? req.loadListing : 'no_listing';
}

/** Turns expression failures into step failures that name the step. */
async function named<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExpressionError) throw new PermanentFailure(`${name}: ${error.message}`);
    throw error;
  }
}

/** A tool's job object with its Files and Directories prepared (checked, listed, defaults and secondaryFiles filled in). */
async function prepared<T extends CommandLineTool | ExpressionTool>(
  tool: T, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string, topLevel: boolean,
): Promise<PreparedJob<T>> {
  const requirements = RequirementSet.forProcess(tool, inherited);
  const engine = ctx.engines.for(requirements);
  const listing = defaultListing(requirements);
  const inputs = await prepareInputFiles(tool.inputs, job, {
    evaluate: (text, self) => engine.evaluate(text, { inputs: job, self, runtime: {} }),
    defaultListing: listing,
    ontologies: ctx.ontologies,
    namespaces: tool.namespaces,
    discoverSecondaryFiles: topLevel,
    where: name,
    remote: ctx.remote,
  });
  return { tool, inputs, requirements, engine, name, listing };
}

export async function runCommandLineTool(
  tool: CommandLineTool, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  topLevel = false,
): Promise<Record<string, unknown>> {
  return named(name, async () => ctx.tools.commandLineTool(await prepared(tool, job, inherited, ctx, name, topLevel), ctx));
}

export async function runExpressionTool(
  tool: ExpressionTool, job: Record<string, unknown>, inherited: RequirementSet | undefined, ctx: RunContext, name: string,
  topLevel = false,
): Promise<Record<string, unknown>> {
  return named(name, async () => ctx.tools.expressionTool(await prepared(tool, job, inherited, ctx, name, topLevel), ctx));
}
