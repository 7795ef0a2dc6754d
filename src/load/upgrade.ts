import type { CwlVersion, Requirement } from '../model/types.js';
import { ValidationError } from '../errors.js';

const VERSIONS: Record<string, CwlVersion> = {
  'v1.0': 'v1.0', 'v1.1': 'v1.1', 'v1.2': 'v1.2',
  'v1.1.0-dev1': 'v1.1', 'v1.2.0-dev1': 'v1.2', 'v1.2.0-dev2': 'v1.2', 'v1.2.0-dev3': 'v1.2',
  'v1.2.0-dev4': 'v1.2', 'v1.2.0-dev5': 'v1.2',
};

export function parseVersion(raw: unknown, where: string): CwlVersion {
  if (raw === undefined) throw new ValidationError(`${where}: missing 'cwlVersion'; is this a CWL document?`);
  const version = VERSIONS[String(raw)];
  if (!version) throw new ValidationError(`${where}: unsupported cwlVersion '${String(raw)}' (supported: v1.0, v1.1, v1.2)`);
  return version;
}

/**
 * The defaults that changed after v1.0, expressed as hints so that an older
 * document keeps its meaning when run with v1.2 semantics: v1.0 tools had
 * network access and always listed directories deeply.
 */
export function impliedHints(version: CwlVersion): { class: string; [k: string]: unknown }[] {
  if (version === 'v1.0') {
    return [
      { class: 'NetworkAccess', networkAccess: true },
      { class: 'LoadListingRequirement', loadListing: 'deep_listing' },
    ];
  }
  return [];
}

/**
 * v1.0 documents named these cwltool (and Arvados) extensions; v1.1 made
 * them standard, and cwltool reads a v1.0 document's extension as the
 * standard class.
 */
const V1_0_EXTENSIONS: Readonly<Record<string, string>> = {
  'cwltool:WorkReuse': 'WorkReuse',
  'http://arvados.org/cwl#ReuseRequirement': 'WorkReuse',
  'cwltool:TimeLimit': 'ToolTimeLimit',
  'cwltool:NetworkAccess': 'NetworkAccess',
  'cwltool:InplaceUpdateRequirement': 'InplaceUpdateRequirement',
  'cwltool:LoadListingRequirement': 'LoadListingRequirement',
};

/** The standard classes v1.1 added, which a v1.0 document cannot name. */
const SINCE_V1_1 = new Set(['WorkReuse', 'ToolTimeLimit', 'NetworkAccess', 'InplaceUpdateRequirement', 'LoadListingRequirement']);

/**
 * A v1.0 process's requirements (`strict`) or hints, with class names
 * resolved, as v1.0 reads them: its cwltool extensions become the standard
 * classes; a standard class added in v1.1 is an error as a requirement (the
 * v1.0 schema has no such class) and ignored as a hint, as cwltool does.
 */
export function upgradeRequirements(list: readonly Requirement[], version: CwlVersion, strict: boolean, where: string): Requirement[] {
  if (version !== 'v1.0') return [...list];
  const out: Requirement[] = [];
  for (const req of list) {
    if (SINCE_V1_1.has(req.class)) {
      if (strict) throw new ValidationError(`${where}: requirement ${req.class} needs cwlVersion v1.1, but the document declares v1.0 (v1.0 named it cwltool:${req.class === 'ToolTimeLimit' ? 'TimeLimit' : req.class})`);
      continue;
    }
    const renamed = V1_0_EXTENSIONS[req.class];
    // The extension's own name stays beside the standard one: --enable-ext gates it by that name.
    out.push(renamed === undefined ? req : { ...req, class: renamed, ...(req.class.startsWith('cwltool:') ? { extensionClass: req.class } : {}) });
  }
  return out;
}

/**
 * `loadContents` written in a parameter's `inputBinding` (the v1.0 place,
 * deprecated but still valid in v1.1 and v1.2) means the parameter's own
 * `loadContents`: the contents are loaded for expressions wherever the
 * parameter is, a Workflow or ExpressionTool input included.
 */
export function liftLoadContents<T extends Record<string, unknown>>(param: T): T {
  const binding = param.inputBinding;
  if (binding === null || typeof binding !== 'object' || Array.isArray(binding)) return param;
  const loadContents = (binding as Record<string, unknown>).loadContents;
  if (loadContents === undefined || param.loadContents !== undefined) return param;
  return { ...param, loadContents };
}

/**
 * Rejects features newer than the version a document declares (the upgrade
 * to v1.2 semantics must not make an invalid older document valid): `when`,
 * `pickValue`, Operation and fractional ResourceRequirement values need v1.2;
 * secondaryFiles objects and expressions as binding positions need v1.1.
 */
export function checkVersionFeatures(content: unknown, version: CwlVersion, where: string): void {
  if (version === 'v1.2') return;
  const fail = (what: string, needs: string): never => {
    throw new ValidationError(`${where}: ${what} needs cwlVersion ${needs}, but the document declares ${version}`);
  };
  const visit = (node: unknown, key: string): void => {
    if (Array.isArray(node)) { node.forEach((n) => visit(n, key)); return; }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    // A File or Directory value (a default, a listing entry) is data: its `secondaryFiles` is a list of Files in every version.
    if (obj.class === 'File' || obj.class === 'Directory') return;
    // Map form of steps: each value is a step.
    if (key === 'steps' && obj.run === undefined && obj.in === undefined) {
      Object.values(obj).forEach((n) => visit(n, 'steps'));
      return;
    }
    if (obj.class === 'Operation') fail('class Operation', 'v1.2');
    if (key === 'steps' && obj.when !== undefined) fail("a step's 'when'", 'v1.2');
    if (obj.pickValue !== undefined) fail("'pickValue'", 'v1.2');
    // v1.0's CommandLineBinding position is an int; v1.1 allowed an expression.
    if ((key === 'inputBinding' || key === 'arguments') && typeof obj.position === 'string' && version === 'v1.0') fail("an expression as a binding's 'position'", 'v1.1');
    if (obj.class === 'ResourceRequirement' || key === 'ResourceRequirement') {
      for (const [k, v] of Object.entries(obj)) {
        if (typeof v === 'number' && !Number.isInteger(v)) fail(`a fractional ResourceRequirement ${k}`, 'v1.2');
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      // Another document's process is checked against its own version.
      if (k === 'run' && typeof v === 'string') continue;
      if (k === 'secondaryFiles') {
        for (const e of Array.isArray(v) ? v : [v]) if (e !== null && typeof e === 'object' && version === 'v1.0') fail('a secondaryFiles entry given as an object', 'v1.1');
        continue;
      }
      visit(v, k);
    }
  };
  visit(content, '');
}
