/**
 * The drop-in corpus (corpusCases.ts) run with cwltool 3.3 and with bespin:
 * the same exit code and the same output object, files compared by name in
 * --outdir, size and checksum. Needs cwltool on PATH (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliCommand } from '../helpers/cli.js';
import { CORPUS, type CorpusCase } from './corpusCases.js';

const CASES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/corpus/cases');

interface Answer {
  readonly code: number | null;
  /** The output object on stdout, normalized; undefined when stdout held none. */
  readonly outputs: unknown;
  readonly stderr: string;
}

async function answer(command: readonly string[], c: CorpusCase): Promise<Answer> {
  const outdir = await mkdtemp(path.join(os.tmpdir(), 'bespin-corpus-'));
  const args = [...command.slice(1), '--quiet', '--outdir', outdir, ...c.args];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command[0]!, args, { cwd: path.join(CASES, c.name), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
  });
  return { code, outputs: parsedOutputs(stdout, outdir), stderr };
}

function parsedOutputs(stdout: string, outdir: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  return normalized(value, `file://${outdir}/`);
}

/** Where a file landed, as its name under --outdir; the absolute path and location go. */
function normalized(value: unknown, outdirUri: string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalized(v, outdirUri));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'path') continue;
    out[key] = key === 'location' && typeof v === 'string' && v.startsWith(outdirUri) ? v.slice(outdirUri.length) : normalized(v, outdirUri);
  }
  return out;
}

test('the corpus, with cwltool and with bespin', { concurrency: 2 }, async (t) => {
  // Awaited together: the parent's concurrency runs two cases at a time, and none is cut off when it returns.
  await Promise.all(CORPUS.map((c) =>
    t.test(`${c.name}: ${c.about}`, async () => {
      const [reference, ours] = await Promise.all([answer(['cwltool'], c), answer(cliCommand(), c)]);
      assert.notEqual(reference.code, null, `cwltool was killed: ${reference.stderr}`);
      const same = reference.code === ours.code && isDeepStrictEqual(reference.outputs, ours.outputs);
      if (c.differs !== undefined) {
        assert.ok(!same, `bespin now answers as cwltool does (exit ${ours.code}): remove the case's note "${c.differs}"`);
        return;
      }
      assert.equal(ours.code, reference.code, `exit code: cwltool ${reference.code}, bespin ${ours.code}\n${ours.stderr.slice(-1500)}`);
      assert.deepEqual(ours.outputs, reference.outputs);
    })));
});

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
