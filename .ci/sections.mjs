// `npm test` runs its parts through this: each npm script in turn, its time
// printed as it ends and all of them in a table at the end, so a slow or failing
// part is named without reading the whole log. Stops at the first failure.
//
//   node .ci/sections.mjs build test:unit test:integration ...
import { spawnSync } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node .ci/sections.mjs <npm script> [<npm script> ...]');
  process.exit(2);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const rows = [];
let failed;
for (const script of scripts) {
  const begin = Date.now();
  console.log(`\n---------- npm run ${script} ----------`);
  const result = spawnSync(npm, ['run', '--silent', script], { stdio: 'inherit' });
  const seconds = Math.round((Date.now() - begin) / 1000);
  const status = result.error ? `error: ${result.error.message}` : result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
  rows.push({ script, seconds, status });
  console.log(`test: "${script}" took ${seconds} s (${status})`);
  if (result.error || result.status !== 0) {
    failed = script;
    break;
  }
}
console.log('\ntest sections:');
for (const { script, seconds, status } of rows) console.log(`  ${script.padEnd(36)} ${String(seconds).padStart(6)} s  ${status}`);
for (const script of scripts.slice(rows.length)) console.log(`  ${script.padEnd(36)} ${'—'.padStart(6)}    not run`);
console.log(`  ${'total'.padEnd(36)} ${String(Math.round((Date.now() - started) / 1000)).padStart(6)} s`);
if (failed) {
  console.error(`test: "${failed}" failed`);
  process.exit(1);
}
