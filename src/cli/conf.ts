import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError, errorMessage } from '../errors.js';
import { schemaProblems } from '../validate/schemas.js';
import { ENGINE_OPTIONS } from './options.js';

/** Option values by engine option name (`max-ram`), as yargs gives them: read only by engineOptions.ts, which types them. */
export type OptionValues = Record<string, unknown>;

/**
 * cwltool's destination names that a Calrissian default.json may hold for
 * options bespin spells as flags: `use_container: false` is `--no-container`.
 */
const CWLTOOL_DESTINATIONS: Readonly<Record<string, (v: unknown) => OptionValues>> = {
  use_container: (v) => ({ 'no-container': v === false }),
  pull_image: (v) => ({ 'disable-pull': v === false }),
  rm_container: (v) => ({ 'leave-container': v === false }),
  rm_tmpdir: (v) => ({ 'leave-tmpdir': v === false }),
  move_outputs: (v) => (typeof v === 'boolean' ? { 'move-outputs': v } : { 'leave-outputs': v === 'leave', 'copy-outputs': v === 'copy', 'move-outputs': v === 'move' }),
};

/**
 * Reads one conf file (Calrissian's `--conf`, or `~/.calrissian/default.json`)
 * into engine option values. Keys are Calrissian's option names (`max_ram`,
 * `tmp_outdir_prefix`); the file is checked against schemas/conf.schema.json.
 * Other keys Calrissian takes silently (its conf sets argparse defaults, and
 * files written for it hold `version`, cwltool-only keys, …): bespin ignores
 * them too, with one warning naming them, so a misspelt key is still seen.
 * An `optional` file that does not exist gives undefined.
 */
export async function readConf(file: string, warn: (message: string) => void, optional = false): Promise<OptionValues | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw new ValidationError(`conf file ${file}: ${errorMessage(error)}`);
  }
  const unknown: string[] = [];
  const problems = (await schemaProblems('conf', parsed)).filter((p) => {
    const key = /^unknown key '(.*)'$/.exec(p)?.[1];
    if (key !== undefined) unknown.push(key);
    return key === undefined;
  });
  if (unknown.length > 0) warn(`conf file ${file}: ignoring ${unknown.length === 1 ? 'a key' : 'keys'} bespin does not use: ${unknown.join(', ')}`);
  if (problems.length > 0) {
    throw new ValidationError(`conf file ${file}: ${problems.join('; ')} (keys are Calrissian's option names, e.g. max_ram, tmp_outdir_prefix)`);
  }
  const values: OptionValues = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const toFlags = CWLTOOL_DESTINATIONS[key];
    if (toFlags) { Object.assign(values, toFlags(value)); continue; }
    const name = key.replaceAll('_', '-');
    const spec = ENGINE_OPTIONS[name];
    if (!spec) continue; // 'conf' itself, and the keys warned about above
    values[name] = spec.type === 'array' && !Array.isArray(value) ? [value] : spec.type === 'string' ? String(value) : value;
  }
  return values;
}

/** Calrissian's per-user defaults: read when present, like Calrissian (a missing HOME or file is no error). */
export function defaultConfPath(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME ?? os.homedir();
  return home ? path.join(home, '.calrissian', 'default.json') : undefined;
}

/**
 * The options a run uses: the command line over `--conf` over
 * `~/.calrissian/default.json` over bespin's defaults.
 */
export async function resolveOptions(commandLine: OptionValues, env: NodeJS.ProcessEnv, warn: (message: string) => void): Promise<OptionValues> {
  const layers: OptionValues[] = [];
  const personal = defaultConfPath(env);
  const personalValues = personal ? await readConf(personal, warn, true) : undefined;
  if (personalValues) layers.push(personalValues);
  const given = typeof commandLine.conf === 'string' ? await readConf(commandLine.conf, warn) : undefined;
  if (given) layers.push(given);
  const resolved: OptionValues = { ...commandLine };
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) {
    if (resolved[name] !== undefined) continue;
    const fromConf = layers.map((l) => l[name]).findLast((v) => v !== undefined);
    const value = fromConf ?? spec.default;
    if (value !== undefined) resolved[name] = value;
  }
  return resolved;
}
