// Reads src/, test/ and conformance/ as a newcomer's tools would: every
// module's imports and every function's length, so the structure rules of
// docs/architecture.md can be checked.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from '@babel/parser';

/** The stages of a run in data-flow order; a module may import its own stage or an earlier one. */
export const STAGE_ORDER: readonly (readonly string[])[] = [
  ['errors.ts', 'logger.ts', 'model'],
  ['files'],
  ['expressions'],
  ['load'],
  ['validate'],
  ['plan'],
  ['job'],
  ['schedule'],
  ['backends', 'execute'],
  ['collect'],
  ['report'],
  ['cli'],
];

export interface SourceModule {
  /** Path relative to the root it was read from, with forward slashes. */
  readonly path: string;
  readonly lines: number;
  /** Root-relative paths of the modules it imports (type-only imports included). */
  readonly imports: readonly string[];
  /** Bare package specifiers it imports. */
  readonly packages: readonly string[];
  readonly functions: readonly FunctionSpan[];
}

export interface FunctionSpan {
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

type Node = { type: string; loc?: { start: { line: number }; end: { line: number } } | null } & Record<string, unknown>;

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'ClassPrivateMethod', 'ObjectMethod',
]);

function functionName(node: Node, parentKey: string, parent: Node | undefined): string {
  const id = (node.id ?? node.key) as Node | undefined;
  if (id && typeof id.name === 'string') return id.name;
  if (parent?.type === 'VariableDeclarator') {
    const declared = parent.id as Node;
    if (typeof declared.name === 'string') return declared.name;
  }
  if (parent?.type === 'ObjectProperty' || parent?.type === 'ClassProperty') {
    const key = parent.key as Node;
    if (typeof key.name === 'string') return key.name;
  }
  return `<anonymous ${parentKey}>`;
}

/** Visits every node under `root`, with the key it hangs from and its parent. */
function walk(root: Node, visitor: (node: Node, parentKey: string, parent: Node | undefined) => void): void {
  const visit = (node: Node, parentKey: string, parent: Node | undefined): void => {
    visitor(node, parentKey, parent);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments') continue;
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (child && typeof child === 'object' && typeof (child as Node).type === 'string') visit(child as Node, key, node);
      }
    }
  };
  visit(root, 'program', undefined);
}

function collectFunctions(root: Node): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  walk(root, (node, parentKey, parent) => {
    if (FUNCTION_TYPES.has(node.type) && node.loc) {
      spans.push({
        name: functionName(node, parentKey, parent),
        line: node.loc.start.line,
        lines: node.loc.end.line - node.loc.start.line + 1,
      });
    }
  });
  return spans;
}

function importSpecifiers(root: Node): string[] {
  const specifiers: string[] = [];
  const body = (root.program as Node).body as Node[];
  for (const statement of body) {
    if (['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration'].includes(statement.type)) {
      const source = statement.source as Node | null | undefined;
      if (source && typeof source.value === 'string') specifiers.push(source.value);
    }
  }
  // Dynamic import('…') with a literal argument counts as an arrow too.
  walk(root, (node) => {
    const callee = node.callee as Node | undefined;
    const argument = node.type === 'ImportExpression' ? (node.source as Node) : callee?.type === 'Import' ? (node.arguments as Node[])[0] : undefined;
    if (argument?.type === 'StringLiteral' && typeof argument.value === 'string') specifiers.push(argument.value);
  });
  return specifiers;
}

/** Parses every module under the `folders` of `rootDir` (all of it by default); paths are relative to `rootDir`. */
export function readSourceModules(rootDir: string, folders: readonly string[] = ['.']): SourceModule[] {
  const root = resolve(rootDir);
  return folders.flatMap((folder) => listSources(join(root, folder))).map((file) => {
    const text = readFileSync(file, 'utf8');
    const ast = parse(text, { sourceType: 'module', plugins: ['typescript'] }) as unknown as Node;
    const imports: string[] = [];
    const packages: string[] = [];
    for (const specifier of importSpecifiers(ast)) {
      if (specifier.startsWith('.')) {
        imports.push(relative(root, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))).split('\\').join('/'));
      } else if (!specifier.startsWith('node:')) {
        packages.push(specifier);
      }
    }
    return {
      path: relative(root, file).split('\\').join('/'),
      lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
      imports: [...new Set(imports)],
      packages: [...new Set(packages)],
      functions: collectFunctions(ast),
    };
  });
}

/** The top-level folder (or file) of a src/-relative path. */
export function stageOf(path: string): string {
  return path.split('/')[0]!;
}

/** Index of a stage in STAGE_ORDER, or -1 when the folder is not a stage. */
export function stageRank(stage: string): number {
  return STAGE_ORDER.findIndex((group) => group.includes(stage));
}

/** Module-level import cycles, each as the list of modules around it. */
export function importCycles(modules: readonly SourceModule[]): string[][] {
  const graph = new Map(modules.map((module) => [module.path, module.imports]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (path: string): void => {
    state.set(path, 'open');
    stack.push(path);
    for (const next of graph.get(path) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, 'done');
  };
  for (const path of graph.keys()) if (!state.has(path)) visit(path);
  return cycles;
}

/** Imports that run against the stage order: "from → to". */
export function backwardArrows(modules: readonly SourceModule[]): string[] {
  const arrows: string[] = [];
  for (const module of modules) {
    const from = stageRank(stageOf(module.path));
    for (const target of module.imports) {
      const to = stageRank(stageOf(target));
      if (from < 0 || to < 0 || to > from) arrows.push(`${module.path} → ${target}`);
    }
  }
  return arrows;
}

/** The stage-level import picture: each stage and the earlier stages it imports. */
export function stagePicture(modules: readonly SourceModule[]): Map<string, Set<string>> {
  const picture = new Map<string, Set<string>>();
  for (const module of modules) {
    const from = stageOf(module.path);
    const targets = picture.get(from) ?? new Set<string>();
    picture.set(from, targets);
    for (const target of module.imports) if (stageOf(target) !== from) targets.add(stageOf(target));
  }
  return picture;
}

// The test code has layers of its own, lowest first. A module imports its own
// folder or a folder of a lower layer; folders of one layer stay apart (the
// stand-in cluster is a Kubernetes API server written without the engine's
// code, so the two cannot agree on a shared bug; topic folders share code
// only through test/helpers/).
export const TEST_LAYERS: readonly (readonly string[])[] = [
  ['src', 'test/cluster', 'test/realcluster'],
  ['test/helpers'],
  ['conformance'],
  // Every other test/<topic>/ folder, and every test file wherever it lives.
  ['test/*'],
];

/** A test file is an entry point for `node --test` (unit, integration or the real-cluster run): nothing imports it. */
export function isTestFile(path: string): boolean {
  return /\.(real|i)?test\.ts$/.test(path);
}

/** The folder a repository-relative path belongs to: `src`, `conformance` or `test/<folder>`. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'test' && parts.length > 2 ? `test/${parts[1]}` : parts[0]!;
}

/** Index of a path's layer in TEST_LAYERS, or -1 when it lies outside src/, test/<folder>/ and conformance/. */
export function testLayerOf(path: string): number {
  const folder = folderOf(path);
  const topics = TEST_LAYERS.length - 1;
  if (folder.startsWith('test/') && isTestFile(path)) return topics;
  const rank = TEST_LAYERS.findIndex((group) => group.includes(folder));
  if (rank >= 0) return rank;
  return folder.startsWith('test/') ? topics : -1;
}

/**
 * Imports of repository-relative modules that run against the test layers:
 * "from → to". Besides the layer order, a test file is never imported, and
 * conformance/ (a runner, not a library) is imported by its own tests alone.
 */
export function testBackwardArrows(modules: readonly SourceModule[]): string[] {
  const arrows: string[] = [];
  for (const module of modules) {
    const from = testLayerOf(module.path);
    for (const target of module.imports) {
      const to = testLayerOf(target);
      const sibling = to === from && folderOf(target) !== folderOf(module.path);
      const conformance = folderOf(target) === 'conformance' && folderOf(module.path) !== 'conformance' && folderOf(module.path) !== 'test/conformance';
      if (from < 0 || to < 0 || to > from || sibling || isTestFile(target) || conformance) arrows.push(`${module.path} → ${target}`);
    }
  }
  return arrows;
}
