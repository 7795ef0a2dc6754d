#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=1024
// The shebang sizes V8's heap for an engine whose live heap is small (16 MiB
// well into a 10,000-way scatter): a small young generation (peak RSS of a
// 2,000-way scatter 96-113 MiB against 120-126 with the default), and an old
// generation capped at 1 GiB, under which V8 collects sooner (10,000-way
// 112-117 MiB against 131-135; +4% CPU). A run that needs more heap:
// `node --max-old-space-size=N dist/bundle/bespin.js ...`.
import { enableCompileCache } from 'node:module';
import path from 'node:path';
import { cacheDir } from './cacheDir.js';

// The one place the environment is read: the engine gets it from here and
// types it with the options (engineOptions.ts); nothing below reads it.
const env = process.env;
// Start-up is mostly compiling modules: V8's code cache lets the next run skip
// that. Enabled before the engine is imported, so its modules are covered; a
// cache that cannot be written is just not used.
const dir = cacheDir(env);
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
process.exitCode = await main(process.argv.slice(2), env);
