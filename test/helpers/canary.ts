/**
 * A bench for hostile documents: a scratch directory with a canary host file
 * (secret.txt, mode 600) that no step is given, a victim file that must not
 * change, and the engine's directories beside them.
 */
import assert from 'node:assert/strict';
import { chmod, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from './cli.js';

export const SECRET = 'root:$6$not-for-your-eyes\n';

/** A scratch directory with a host file no step was given, and room for the engine's directories. */
export async function bench(files: Record<string, string>): Promise<{ dir: string; secret: string; run: (doc: string, ...more: string[]) => ReturnType<typeof runCli> }> {
  const dir = await scratch({ 'secret.txt': SECRET, 'victim.txt': 'precious\n', ...files });
  const secret = path.join(dir, 'secret.txt');
  await chmod(secret, 0o600);
  const run = (doc: string, ...more: string[]): ReturnType<typeof runCli> => runCli([
    '--outdir', path.join(dir, 'out'), '--tmp-outdir-prefix', `${path.join(dir, 'tmpout')}/`, '--tmpdir-prefix', `${path.join(dir, 'tmp')}/`,
    path.join(dir, doc), ...more,
  ]);
  return { dir, secret, run };
}

/** Nothing of the secret reached --outdir, and the victim is untouched. */
export async function assertContained(dir: string): Promise<void> {
  const out = path.join(dir, 'out');
  const found = await readdir(out, { recursive: true }).catch(() => [] as string[]);
  for (const f of found) {
    const text = await readFile(path.join(out, f), 'utf8').catch(() => '');
    assert.ok(!text.includes('not-for-your-eyes'), `the secret was copied to ${f}`);
  }
  assert.equal(await readFile(path.join(dir, 'victim.txt'), 'utf8'), 'precious\n');
  assert.deepEqual((await readdir(dir)).filter((f) => !['secret.txt', 'victim.txt', 'out', 'tmpout', 'tmp', 'doc.cwl', 'input.txt'].includes(f)), [], 'nothing new beside the job directories');
}

export const tool = (outputs: string, command: string, extra = ''): string => `cwlVersion: v1.2
class: CommandLineTool
requirements:
  InlineJavascriptRequirement: {}
${extra}baseCommand: [sh, -c, ${JSON.stringify(command)}]
inputs: []
outputs:
${outputs}
`;

