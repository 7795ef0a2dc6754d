// `npm run structure`: the stage-level import picture of src/, and the rule
// counts the structure test enforces (cycles, backward arrows, long files and functions).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGE_ORDER, backwardArrows, importCycles, readSourceModules, stagePicture, stageRank } from './sourceStructure.js';

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
const functions = modules.flatMap((m) => m.functions);
console.log(`modules: ${modules.length}; longest file: ${Math.max(...modules.map((m) => m.lines))} lines; functions: ${functions.length}, longest ${Math.max(...functions.map((f) => f.lines))} lines`);
console.log(`cycles: ${importCycles(modules).length}; imports against the stage order: ${backwardArrows(modules).length}; client-node importers outside backends/kubernetes/: ${modules.filter((m) => m.packages.includes('@kubernetes/client-node') && !m.path.startsWith('backends/kubernetes/')).length}`);
