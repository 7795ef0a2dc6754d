/**
 * Where benchmark tables go: printed, and kept under test/bench/results/ as
 * `<date>T<time>-<commit>[-suffix].md` so trends can be read across commits
 * (BENCH_WRITE=0 keeps no file).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The short commit the benchmark ran, `-dirty` when tracked files differ from it. */
export function benchCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return 'unknown';
  }
}

/** Prints the table and keeps it; `suffix` names the benchmark when it is not `npm run bench`. */
export function keepBenchResult(text: string, at: Date, commit: string, suffix = ''): void {
  console.log(text);
  if (process.env.BENCH_WRITE === '0') return;
  const dir = path.join(repo, 'test/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${at.toISOString().slice(0, 16).replace(':', '')}-${commit}${suffix}.md`);
  writeFileSync(file, text);
  console.error(`written to ${path.relative(process.cwd(), file)}`);
}
