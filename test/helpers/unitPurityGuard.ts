/**
 * Loaded by `npm run test:unit` with `node --import` (the test runner loads
 * it into each test file's own process, not into itself): a unit test may
 * not start a process, reach Docker or start the stand-in cluster, so the
 * unit suite stays fast on a loaded 2-core machine and cannot be failed by
 * it. Each refusal names the test file and where such a test belongs: a
 * `*.itest.ts` file, run by `npm run test:integration`.
 *
 * Worker threads stay allowed (the expression sandbox and the document
 * loader run in them), and so does a loopback server the test starts itself.
 */
import childProcess from 'node:child_process';
import { registerHooks, syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import path from 'node:path';

const CHILD_PROCESS_STARTS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/** The stand-in Kubernetes cluster's entry (it runs pods as Docker containers). */
const STAND_IN_CLUSTER = /\/test\/cluster\/index\.js$/;

export class ImpureUnitTestError extends Error {
  override name = 'ImpureUnitTestError';
}

/** The refusal, naming the test file (the runner starts one process per file, so argv[1] is it). */
function refuse(what: string): never {
  const file = process.argv[1] ? path.relative(process.cwd(), process.argv[1]) : 'this test';
  throw new ImpureUnitTestError(
    `${file} ${what}: test:unit runs only pure tests (no process, container or cluster); `
    + 'a test that needs one belongs in a *.itest.ts file, run by npm run test:integration',
  );
}

/** Where a socket connect goes, for the Docker check: a Unix socket path, or host:port. */
function connectTarget(args: unknown[]): { path?: string; host?: string; port?: number } {
  const [first, second] = args;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  if (typeof first === 'number' || typeof first === 'string') return { port: Number(first), ...(typeof second === 'string' ? { host: second } : {}) };
  if (Array.isArray(first)) return connectTarget(first); // net's internal normalized [options, callback]
  return (first ?? {}) as { path?: string; host?: string; port?: number };
}

/** Docker's API: its Unix socket, or the tcp:// address DOCKER_HOST names. */
function dockerTcp(): { host: string; port: number } | undefined {
  const dockerHost = process.env.DOCKER_HOST;
  if (!dockerHost?.startsWith('tcp://')) return undefined;
  const u = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return { host: u.hostname, port: Number(u.port || 2375) };
}

let installed = false;

/** Installs the refusals in this process (again: no effect). */
export function installUnitPurityGuard(): void {
  if (installed) return;
  installed = true;
  const mutable = childProcess as unknown as Record<string, unknown>;
  for (const name of CHILD_PROCESS_STARTS) {
    mutable[name] = (file: unknown) => refuse(`starts a child process (${name} ${String(file)})`);
  }
  // `import { spawn } from 'node:child_process'` reads the ESM view: update it too.
  syncBuiltinESMExports();

  const tcp = dockerTcp();
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const target = connectTarget(args);
    if (target.path !== undefined) refuse(`connects to the Unix socket ${target.path} (Docker's API is one)`);
    if (tcp && target.port === tcp.port && (target.host ?? 'localhost') === tcp.host) refuse(`connects to Docker at ${process.env.DOCKER_HOST}`);
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;

  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (STAND_IN_CLUSTER.test(resolved.url)) refuse('loads the stand-in Kubernetes cluster (test/cluster/index.ts)');
      return resolved;
    },
  });
}

installUnitPurityGuard();
