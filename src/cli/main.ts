#!/usr/bin/env -S node --max-semi-space-size=1
// The shebang keeps V8's young generation small: the engine allocates little per
// step, and a smaller heap makes forking each tool process cheaper.
import { enableCompileCache } from 'node:module';
import path from 'node:path';
import { cacheDir } from '../load/cacheDir.js';

// Start-up is mostly compiling modules: V8's code cache lets the next run skip
// that. Enabled before the engine is imported, so its modules are covered; a
// cache that cannot be written is just not used.
const dir = cacheDir();
if (dir) {
  try {
    enableCompileCache(path.join(dir, 'compile'));
  } catch {
    // no cache: compiles as usual
  }
}
// Under --debug, stacks (logged with internal errors) name src/…ts lines, not
// the bundle's: the engine's chunks are mapped as they load. Off otherwise, as
// reading maps costs start-up time.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { main } = await import('./engineRun.js');
process.exitCode = await main(process.argv.slice(2));
