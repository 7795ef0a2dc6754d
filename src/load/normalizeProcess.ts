import type {
  CommandLineBinding, CwlVersion, InputParameter, JsonValue, OutputParameter, Process, Requirement,
  WorkflowStep, WorkflowStepInput,
} from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { UnsupportedRequirementError, ValidationError } from '../errors.js';
import { expandFormat, mapToList, normalizeSecondaryFiles, normalizeType, type SchemaDefs } from './types.js';
import { fragmentOf, resolveUri, shortName, sourceReference, uriToPath } from '../files/uri.js';
import { NESTING_LIMIT } from './limits.js';
import { resolveLocations } from './locations.js';
import { impliedHints, liftLoadContents, upgradeRequirements } from './upgrade.js';

export const KNOWN_REQUIREMENTS = new Set([
  'InlineJavascriptRequirement', 'SchemaDefRequirement', 'DockerRequirement', 'SoftwareRequirement',
  'InitialWorkDirRequirement', 'EnvVarRequirement', 'ShellCommandRequirement', 'ResourceRequirement',
  'WorkReuse', 'NetworkAccess', 'InplaceUpdateRequirement', 'ToolTimeLimit', 'SubworkflowFeatureRequirement',
  'ScatterFeatureRequirement', 'MultipleInputFeatureRequirement', 'StepInputExpressionRequirement',
  'LoadListingRequirement', 'cwltool:CUDARequirement', 'cwltool:LoadListingRequirement',
  'cwltool:InplaceUpdateRequirement', 'cwltool:TimeLimit', 'cwltool:WorkReuse', 'cwltool:NetworkAccess',
  // A hint in cwltool; under requirements the --enable-ext gate (validate/extensions.ts) refuses it as cwltool does.
  'cwltool:Secrets',
]);

/**
 * Fails with exit 33 on a requirement class bespin does not implement, before
 * schema validation would reject it as an unknown class.
 */
export function checkRequirementsSupported(content: unknown, where: string): void {
  const namespaces = isPlainObject(content) && isPlainObject(content.$namespaces) ? (content.$namespaces as Record<string, string>) : {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!isPlainObject(node)) return;
    if (node.requirements !== undefined) {
      for (const req of mapToList(node.requirements, 'class')) {
        const cls = requirementClass(String(req.class), namespaces);
        if (!KNOWN_REQUIREMENTS.has(cls)) throw unknownRequirement(cls, where);
      }
    }
    for (const key of ['$graph', 'steps', 'run']) if (node[key] !== undefined) visit(isPlainObject(node[key]) && key === 'steps' ? Object.values(node[key]) : node[key]);
  };
  visit(content);
}

/**
 * A requirement bespin does not run. A cwltool extension is real but not
 * implemented here: unsupported, exit 33. Any other class is defined by no
 * schema the document can name (a typo, another engine's namespace), which
 * cwltool refuses as invalid: exit 1.
 */
function unknownRequirement(cls: string, where: string): Error {
  if (cls.startsWith('cwltool:')) return new UnsupportedRequirementError(`${where}: unsupported requirement ${cls}`);
  return new ValidationError(`${where}: requirement class '${cls}' is not defined: it is neither a CWL requirement nor an extension bespin knows`);
}

export interface NormalizeContext {
  readonly baseUri: string;
  readonly version: CwlVersion;
  readonly namespaces: Readonly<Record<string, string>>;
  readonly schemas: readonly string[];
  readonly schemaDefs: SchemaDefs;
  /** Loads the process a step's `run` names (a path, URI or `#id` in the same `$graph`). */
  readonly loadRun: (reference: string, context: NormalizeContext) => Promise<Process>;
  readonly where: string;
  /** How many steps' `run`s hold this process (0 for the top-level one). */
  readonly depth: number;
  /** The top-level document, which errors about the whole nesting name. */
  readonly root: string;
}

export async function normalizeProcess(raw: unknown, outer: NormalizeContext): Promise<Process> {
  if (!isPlainObject(raw)) throw new ValidationError(`${outer.where}: a process must be an object`);
  // A `$graph` entry may declare its own `$namespaces`, for itself (as cwltool reads it).
  const ctx = isPlainObject(raw.$namespaces) ? { ...outer, namespaces: { ...outer.namespaces, ...(raw.$namespaces as Record<string, string>) } } : outer;
  const cls = raw.class;
  const id = typeof raw.id === 'string' ? raw.id : '';
  const where = id ? `${ctx.where}#${shortName(id)}` : ctx.where;
  const requirements = upgradeRequirements(normalizeRequirements(raw.requirements, ctx.namespaces, where, true, ctx.baseUri), ctx.version, true, where);
  const hints = [
    ...impliedHints(ctx.version),
    ...upgradeRequirements(normalizeRequirements(raw.hints, ctx.namespaces, where, false, ctx.baseUri), ctx.version, false, where),
  ];
  const schemaDefs = withSchemaDefs(ctx.schemaDefs, [...requirements, ...hints]);
  const inner: NormalizeContext = { ...ctx, schemaDefs, where };
  const base = {
    id,
    baseUri: ctx.baseUri,
    cwlVersion: 'v1.2' as const,
    originalVersion: ctx.version,
    inputs: normalizeInputs(raw.inputs, inner),
    outputs: normalizeOutputs(raw.outputs, inner, fragmentOf(id) || id),
    requirements,
    hints,
    namespaces: ctx.namespaces,
    schemas: ctx.schemas,
    ...(typeof raw.label === 'string' ? { label: raw.label } : {}),
    ...(raw.doc !== undefined ? { doc: raw.doc as string } : {}),
  };
  switch (cls) {
    case 'CommandLineTool': {
      // An input of type `stdin` is a File fed to standard input.
      const stdinInput = mapToList(raw.inputs, 'id', 'type').find((p) => p.type === 'stdin');
      const stdin = raw.stdin ?? (stdinInput ? `$(inputs.${shortName(String(stdinInput.id))}.path)` : undefined);
      return {
        ...base,
        class: 'CommandLineTool',
        baseCommand: raw.baseCommand === undefined ? [] : (Array.isArray(raw.baseCommand) ? raw.baseCommand : [raw.baseCommand]).map(String),
        arguments: Array.isArray(raw.arguments) ? (raw.arguments as (string | CommandLineBinding)[]) : [],
        ...(stdin !== undefined ? { stdin: String(stdin) } : {}),
        ...(raw.stdout !== undefined ? { stdout: String(raw.stdout) } : {}),
        ...(raw.stderr !== undefined ? { stderr: String(raw.stderr) } : {}),
        successCodes: numbers(raw.successCodes, [0]),
        temporaryFailCodes: numbers(raw.temporaryFailCodes, []),
        permanentFailCodes: numbers(raw.permanentFailCodes, []),
      };
    }
    case 'ExpressionTool':
      return { ...base, class: 'ExpressionTool', expression: String(raw.expression) };
    case 'Operation':
      return { ...base, class: 'Operation' };
    case 'Workflow': {
      const steps = await Promise.all(mapToList(raw.steps, 'id').map((s) => normalizeStep(s, inner, fragmentOf(id) || id)));
      return { ...base, class: 'Workflow', steps };
    }
    default:
      throw new ValidationError(`${where}: 'class' must be CommandLineTool, ExpressionTool, Workflow or Operation, not ${JSON.stringify(cls)}`);
  }
}

function numbers(raw: unknown, fallback: number[]): number[] {
  return Array.isArray(raw) ? raw.map(Number) : fallback;
}

function withSchemaDefs(parent: SchemaDefs, reqs: readonly Requirement[]): SchemaDefs {
  const defs = reqs.filter((r) => r.class === 'SchemaDefRequirement');
  if (defs.length === 0) return parent;
  const map = new Map(parent);
  for (const req of defs) {
    // An $import of a file of several types leaves a nested list.
    for (const t of Array.isArray(req.types) ? req.types.flat(Infinity) : []) {
      if (isPlainObject(t) && typeof t.name === 'string') map.set(shortName(t.name), t);
    }
  }
  return map;
}

function requirementClass(raw: string, namespaces: Readonly<Record<string, string>>): string {
  let cls = raw;
  const colon = cls.indexOf(':');
  if (colon > 0 && !cls.includes('://')) {
    const ns = namespaces[cls.slice(0, colon)];
    if (ns) cls = ns + cls.slice(colon + 1);
  }
  if (cls.startsWith('https://w3id.org/cwl/cwl#')) return cls.slice('https://w3id.org/cwl/cwl#'.length);
  if (cls.startsWith('http://commonwl.org/cwltool#')) return 'cwltool:' + cls.slice('http://commonwl.org/cwltool#'.length);
  return cls;
}

export function normalizeRequirements(
  raw: unknown, namespaces: Readonly<Record<string, string>>, where: string, strict: boolean, baseUri: string,
): Requirement[] {
  return mapToList(raw, 'class').map((req) => {
    const cls = requirementClass(String(req.class), namespaces);
    if (strict && !KNOWN_REQUIREMENTS.has(cls)) throw unknownRequirement(cls, where);
    const out: Record<string, unknown> = { ...req, class: cls };
    if (cls === 'EnvVarRequirement') out.envDef = mapToList(req.envDef, 'envName', 'envValue');
    // File and Directory objects written in the document resolve against it.
    if (cls === 'InitialWorkDirRequirement') out.listing = resolveLocations(req.listing, baseUri);
    if (cls === 'DockerRequirement' && typeof req.dockerLoad === 'string') out.dockerLoad = resolveUri(req.dockerLoad, baseUri);
    return out as Requirement;
  });
}

function normalizeInputs(raw: unknown, ctx: NormalizeContext): InputParameter[] {
  return mapToList(raw, 'id', 'type').map(liftLoadContents).map((p) => {
    const id = shortName(String(p.id));
    const where = `${ctx.where} input '${id}'`;
    const out: Record<string, unknown> = { ...p, id, type: normalizeType(p.type, { ...ctx, where }) };
    if (p.secondaryFiles !== undefined) out.secondaryFiles = normalizeSecondaryFiles(p.secondaryFiles);
    if (p.format !== undefined) out.format = expandFormat(p.format, ctx.namespaces);
    if (p.default !== undefined) out.default = resolveLocations(p.default, ctx.baseUri) as JsonValue;
    return out as unknown as InputParameter;
  });
}

function normalizeOutputs(raw: unknown, ctx: NormalizeContext, processFragment: string): OutputParameter[] {
  return mapToList(raw, 'id', 'type').map((p) => {
    const id = shortName(String(p.id));
    const where = `${ctx.where} output '${id}'`;
    const out: Record<string, unknown> = { ...p, id, type: normalizeType(p.type, { ...ctx, where }) };
    if (p.secondaryFiles !== undefined) out.secondaryFiles = normalizeSecondaryFiles(p.secondaryFiles);
    if (p.format !== undefined) out.format = expandFormat(p.format, ctx.namespaces);
    if (p.outputSource !== undefined) {
      out.outputSource = (Array.isArray(p.outputSource) ? p.outputSource : [p.outputSource]).map((s) => sourceReference(String(s), processFragment));
    }
    return out as unknown as OutputParameter;
  });
}

async function normalizeStep(raw: Record<string, unknown>, ctx: NormalizeContext, wfFragment: string): Promise<WorkflowStep> {
  const id = shortName(String(raw.id));
  const where = `${ctx.where} step '${id}'`;
  const stepFragment = wfFragment ? `${wfFragment}/${id}` : id;
  const requirements = upgradeRequirements(normalizeRequirements(raw.requirements, ctx.namespaces, where, true, ctx.baseUri), ctx.version, true, where);
  const hints = upgradeRequirements(normalizeRequirements(raw.hints, ctx.namespaces, where, false, ctx.baseUri), ctx.version, false, where);
  const inputs: WorkflowStepInput[] = mapToList(raw.in, 'id', 'source').map((i) => {
    const src = i.source === undefined || i.source === null ? [] : Array.isArray(i.source) ? i.source : [i.source];
    const out: Record<string, unknown> = { ...i, id: shortName(String(i.id)), source: src.map((s) => sourceReference(String(s), wfFragment)) };
    if (i.default !== undefined) out.default = resolveLocations(i.default, ctx.baseUri);
    return out as unknown as WorkflowStepInput;
  });
  const outs = (Array.isArray(raw.out) ? raw.out : []).map((o) => shortName(String(isPlainObject(o) ? o.id : o)));
  const stepCtx: NormalizeContext = {
    ...ctx,
    schemaDefs: withSchemaDefs(ctx.schemaDefs, [...requirements, ...hints]),
    where,
    depth: ctx.depth + 1,
  };
  // Planning, validation, --pack and --print-dot walk processes recursively.
  if (stepCtx.depth > NESTING_LIMIT) {
    throw new ValidationError(`${ctx.root}: processes nested more than ${NESTING_LIMIT} deep (a step runs a workflow whose step runs a workflow ...; the deepest in ${uriToPath(ctx.baseUri)}); refusing it`);
  }
  let run: Process;
  if (typeof raw.run === 'string') {
    run = await ctx.loadRun(raw.run, stepCtx);
  } else if (isPlainObject(raw.run)) {
    run = await normalizeProcess(raw.run, stepCtx);
  } else {
    throw new ValidationError(`${where}: 'run' must be a path, URI or an inline process`);
  }
  const scatter = raw.scatter === undefined ? [] : (Array.isArray(raw.scatter) ? raw.scatter : [raw.scatter]).map((s) => shortName(String(s).replace(`${stepFragment}/`, '')));
  return {
    id,
    in: inputs,
    out: outs,
    run,
    requirements,
    hints,
    scatter,
    ...(typeof raw.scatterMethod === 'string' ? { scatterMethod: raw.scatterMethod as WorkflowStep['scatterMethod'] } : {}),
    ...(typeof raw.when === 'string' ? { when: raw.when } : {}),
  } as WorkflowStep;
}

