/**
 * The floor for `npm run bench`: the scatter's `echo`s spawned straight
 * from Node, `concurrency` at a time, each in its own directory with its
 * stdout in a file and its stderr piped, in its own process group — what
 * bespin's local backend does for each element, without the engine.
 *
 * Usage: node dist/test/bench/rawSpawn.js <count> <concurrency> <outdir>
 */
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

async function echoOnce(index: number, outdir: string): Promise<number> {
  const dir = path.join(outdir, String(index));
  await mkdir(dir);
  const stdout = await open(path.join(dir, 'stdout.txt'), 'w');
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn('echo', [`item${index}`], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', stdout.fd, 'pipe'], detached: true });
      child.stderr?.resume();
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
  } finally {
    await stdout.close();
  }
}

async function main(): Promise<void> {
  const [count, concurrency, outdir] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  if (!(count > 0) || !(concurrency > 0) || outdir === undefined) {
    console.error('usage: rawSpawn.js <count> <concurrency> <outdir>');
    process.exit(2);
  }
  let next = 0;
  let failed = 0;
  const lane = async (): Promise<void> => {
    while (next < count) if ((await echoOnce(next++, outdir)) !== 0) failed++;
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
