import { createHash } from 'node:crypto';
import type { ExecutionPlaceKind } from '../../backends/backend.js';
import type { CommandLineTool, Requirement } from '../../model/types.js';
import { isFileOrDirectory, isPlainObject } from '../../model/types.js';

/**
 * Where a step's process runs, as far as it can change the result: on the
 * engine's host, in a container (the image comes from DockerRequirement, which
 * is part of the key, or from `defaultImage`), or in a pod.
 */
export interface ExecutionPlace {
  /** As the backend says it (Backend.place). */
  readonly kind: ExecutionPlaceKind;
  /** The image used when the step names none (--default-container). */
  readonly defaultImage?: string;
  /** Engine variables the tool sees (--preserve-environment): they can change what it does. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Everything a step's result depends on, Files and Directories already carrying content checksums. */
export interface CacheKeyParts {
  readonly tool: CommandLineTool;
  /** The requirements and hints in force for this run, inherited ones included. */
  readonly requirements: readonly Requirement[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly place: ExecutionPlace;
}

/** Bumped whenever what goes into the key, or the entry layout, changes. */
export const CACHE_KEY_VERSION = 1;

/** Fields of a File or Directory that say where it is, not what it holds. */
const WHERE_FIELDS = new Set(['location', 'path', 'dirname', 'nameroot', 'nameext', 'size']);
/** Fields of a process that name or describe it without changing what it does. */
const DESCRIPTIVE_FIELDS = new Set(['id', 'baseUri', 'label', 'doc', 'originalVersion']);

/**
 * Requirements that cannot change a tool's outputs: how a workflow is put
 * together, whether reuse is allowed, how long a run may take. A tool run
 * inside a workflow and the same tool run alone then share entries.
 */
const IGNORED_REQUIREMENTS = new Set([
  'ScatterFeatureRequirement', 'SubworkflowFeatureRequirement', 'MultipleInputFeatureRequirement', 'StepInputExpressionRequirement',
  'WorkReuse', 'cwltool:WorkReuse', 'ToolTimeLimit', 'cwltool:TimeLimit',
]);

/**
 * The cache key of one CommandLineTool run: a SHA-256 over the tool as
 * loaded (minus its id, base URI and documentation), the requirements in
 * force (except IGNORED_REQUIREMENTS), the input object and the execution place. Files and Directories
 * count by basename and content checksum, never by location, so the same
 * data at another path hits; parameter defaults are left out because their
 * values already reach the key through the inputs.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const tool = Object.fromEntries(Object.entries(parts.tool).filter(([k]) => !DESCRIPTIVE_FIELDS.has(k)));
  tool.inputs = parts.tool.inputs.map(({ default: _default, label: _label, doc: _doc, ...rest }) => rest);
  const described = {
    version: CACHE_KEY_VERSION,
    tool: canonical(tool),
    requirements: canonical(parts.requirements.filter((r) => !IGNORED_REQUIREMENTS.has(r.class))),
    inputs: canonical(parts.inputs),
    place: canonical(parts.place),
  };
  return createHash('sha256').update(JSON.stringify(described)).digest('hex');
}

/**
 * A value with object keys sorted and every File and Directory reduced to
 * what it holds: basename, checksum, contents, format, and (for a Directory
 * without a checksum, a literal) its listing.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isFileOrDirectory(value)) {
    const kept = Object.entries(value).filter(([k, v]) => !WHERE_FIELDS.has(k) && v !== undefined && !(k === 'listing' && value.checksum !== undefined));
    return sortedObject(kept);
  }
  if (isPlainObject(value)) return sortedObject(Object.entries(value).filter(([, v]) => v !== undefined));
  return value;
}

function sortedObject(entries: [string, unknown][]): Record<string, unknown> {
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
}
