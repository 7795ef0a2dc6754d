// `npm run structure`: the stage-level import picture of src/, the folder-level
// picture of test/ and conformance/, and the rule counts the structure test
// enforces (cycles, backward arrows, long files and functions) in all three.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  STAGE_ORDER, TEST_LAYERS, backwardArrows, folderOf, importCycles, readSourceModules, stagePicture, stageRank, testBackwardArrows, testLayerOf,
  type SourceModule,
} from './sourceStructure.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const modules = readSourceModules(path.join(repo, 'src'));
const picture = stagePicture(modules);
const byRank = [...picture.keys()].sort((a, b) => stageRank(a) - stageRank(b) || a.localeCompare(b));
console.log(`stage order: ${STAGE_ORDER.map((group) => group.join(' | ')).join(' → ')}`);
for (const stage of byRank) {
  const count = modules.filter((m) => m.path === stage || m.path.startsWith(`${stage}/`));
  const lines = count.reduce((sum, m) => sum + m.lines, 0);
  const targets = [...picture.get(stage)!].sort((a, b) => stageRank(a) - stageRank(b) || a.localeCompare(b));
  console.log(`${stage.padEnd(12)} ${String(count.length).padStart(3)} modules ${String(lines).padStart(6)} lines  imports: ${targets.join(', ') || '—'}`);
}
console.log(`cycles: ${importCycles(modules).length}; imports against the stage order: ${backwardArrows(modules).length}; client-node importers outside backends/kubernetes/: ${modules.filter((m) => m.packages.includes('@kubernetes/client-node') && !m.path.startsWith('backends/kubernetes/')).length}`);

const everything = readSourceModules(repo, ['src', 'test', 'conformance']);
const tests = everything.filter((m) => folderOf(m.path) !== 'src');
console.log(`\ntest layers: ${TEST_LAYERS.map((group) => group.join(' | ')).join(' → ')}`);
// A test file under test/cluster/ or test/helpers/ sits in the topic layer: shown apart from the folder's own modules.
const part = (modulePath: string): string => {
  const folder = folderOf(modulePath);
  return testLayerOf(modulePath) === TEST_LAYERS.length - 1 && testLayerOf(`${folder}/_.ts`) < TEST_LAYERS.length - 1 ? `${folder} (tests)` : folder;
};
const parts = [...new Set(tests.map((m) => part(m.path)))].sort((a, b) => layerOfPart(a) - layerOfPart(b) || a.localeCompare(b));
for (const name of parts) {
  const inPart = tests.filter((m) => part(m.path) === name);
  const lines = inPart.reduce((sum, m) => sum + m.lines, 0);
  const targets = [...new Set(inPart.flatMap((m) => m.imports.map(folderOf)).filter((target) => `${target} (tests)` !== name && target !== name))].sort();
  console.log(`${name.padEnd(24)} ${String(inPart.length).padStart(3)} modules ${String(lines).padStart(6)} lines  imports: ${targets.join(', ') || '—'}`);
}
console.log(`imports against the test layers: ${testBackwardArrows(tests).length}`);

console.log('');
for (const tree of ['src', 'test', 'conformance']) {
  const inTree = everything.filter((m) => m.path.startsWith(`${tree}/`));
  console.log(`${tree}/: ${describe(inTree)}`);
}
console.log(`cycles in src/, test/ and conformance/: ${importCycles(everything).length}`);

function describe(inTree: readonly SourceModule[]): string {
  const functions = inTree.flatMap((m) => m.functions);
  const longest = Math.max(...functions.map((f) => f.lines));
  return `${inTree.length} modules, longest file ${Math.max(...inTree.map((m) => m.lines))} lines (${inTree.filter((m) => m.lines > 300).length} over 300); `
    + `${functions.length} functions, longest ${longest} lines (${functions.filter((f) => f.lines > 60).length} over 60)`;
}

function layerOfPart(name: string): number {
  return name.endsWith(' (tests)') ? TEST_LAYERS.length - 1 : testLayerOf(`${name}/_.ts`);
}
