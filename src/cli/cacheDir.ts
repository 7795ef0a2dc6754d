import os from 'node:os';
import path from 'node:path';

/**
 * Where bespin keeps what it can recompute (schema verdicts, V8's compiled
 * code): $BESPIN_CACHE_DIR, else $XDG_CACHE_HOME/bespin, else ~/.cache/bespin.
 * BESPIN_CACHE_DIR=off turns both caches off.
 */
export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const given = env.BESPIN_CACHE_DIR;
  if (given === 'off') return undefined;
  if (given) return path.resolve(given);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'bespin');
  const home = os.homedir();
  return home ? path.join(home, '.cache', 'bespin') : undefined;
}
