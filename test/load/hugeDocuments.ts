/**
 * Small inputs that expand into huge ones (alias bombs, $import and `run`
 * diamonds) and large but legal documents, for the loader's limits.
 */
import { rm } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { scratch } from '../helpers/cli.js';

/** A scratch directory with `files`, removed when the test ends (some of these files are large). */
export async function tempDir(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await scratch(files);
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A "billion laughs": `a` lists `width` strings, each next key lists `width`
 * aliases of the previous one; `levels` keys in all (9 × 9 → 9^9 strings).
 */
export function aliasBomb(levels = 9, width = 9): string {
  const keys = 'abcdefghijklmnopqrstuvwxyz'.slice(0, levels);
  const lines = [`a: &a [${Array(width).fill('"lol"').join(',')}]`];
  for (let i = 1; i < keys.length; i++) {
    lines.push(`${keys[i]}: &${keys[i]} [${Array(width).fill(`*${keys[i - 1]}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

export const ECHO_TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs: []
outputs: []
`;

/** A tool whose one input takes anything, so a job object's value reaches the engine whole. */
export const ANY_TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  i: Any
outputs: []
`;

/** `l0.yml` imports `l1.yml` twice, ... `l{levels-1}` imports the leaf twice: 2^levels copies. */
export function importDiamond(levels = 30): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < levels; i++) files[`l${i}.yml`] = `- $import: l${i + 1}.yml\n- $import: l${i + 1}.yml\n`;
  files[`l${levels}.yml`] = 'leaf: x\n';
  files['doc.cwl'] = `cwlVersion: v1.2
class: CommandLineTool
$namespaces: {ex: "http://example.com/"}
baseCommand: echo
inputs: []
outputs: []
hints:
  - class: ex:Blob
    data:
      $import: l0.yml
`;
  return files;
}

/** `w0.cwl` runs `w1.cwl` in two steps, ... the last runs a tool twice: 2^levels processes. */
export function runDiamond(levels = 30): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < levels; i++) {
    const next = i + 1 === levels ? 'tool.cwl' : `w${i + 1}.cwl`;
    files[`w${i}.cwl`] = `cwlVersion: v1.2
class: Workflow
inputs: []
outputs: []
steps:
  left: {run: ${next}, in: {}, out: []}
  right: {run: ${next}, in: {}, out: []}
`;
  }
  files['tool.cwl'] = ECHO_TOOL;
  return files;
}

/** A legal workflow of `steps` inline tools (20 000 steps: 3.7 MB, several seconds to load and validate). */
export function bigWorkflow(steps = 20_000): string {
  const out = ['cwlVersion: v1.2', 'class: Workflow', 'inputs:', '  msg: string', 'outputs: []', 'steps:'];
  for (let i = 0; i < steps; i++) {
    out.push(
      `  s${i}:`, '    run:', '      class: CommandLineTool', '      baseCommand: echo', '      inputs:',
      '        m: {type: string, inputBinding: {position: 1}}', '      outputs: []', '    in: {m: msg}', '    out: []',
    );
  }
  return `${out.join('\n')}\n`;
}

/** A legal YAML job object with `entries` File objects in block style (slow to parse). */
export function bigYamlJob(entries: number): string {
  const out = ['files:'];
  for (let i = 0; i < entries; i++) out.push('  - class: File', `    location: data/sample_${i}.fastq.gz`, `    format: edam:format_1930`);
  return `${out.join('\n')}\n`;
}

/** The lines of a CLI's stderr that start with ERROR, and whether anything looks like a crash. */
export function errorLines(stderr: string): { errors: string[]; crashed: boolean } {
  return {
    errors: stderr.split('\n').filter((l) => l.startsWith('ERROR')),
    crashed: /FATAL ERROR|heap out of memory|^\s+at .+:\d+:\d+\)?$|internal error/m.test(stderr),
  };
}
