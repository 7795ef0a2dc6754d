import { ENGINE_OPTIONS } from './options.js';

/**
 * The engine options of a plain command line, read without yargs (whose
 * import is a fifth of a short run's start-up): only known `--flag`s,
 * `--name value` and `--name=value` (a repeated one: its last value).
 * Gives the values as yargs would; anything else — help, version, a short or
 * unknown flag, a value that looks like a flag, `--flag=…` on a boolean —
 * gives undefined, and yargs reads the line with its own checks and messages.
 */
export function readPlainOptions(engineArgs: readonly string[]): Record<string, unknown> | undefined {
  const values: Record<string, unknown> = { _: [] };
  for (let i = 0; i < engineArgs.length; i++) {
    const token = engineArgs[i]!;
    if (!token.startsWith('--')) return undefined;
    const equals = token.indexOf('=');
    const name = token.slice(2, equals >= 0 ? equals : undefined);
    const spec = Object.hasOwn(ENGINE_OPTIONS, name) ? ENGINE_OPTIONS[name] : undefined;
    if (!spec) return undefined;
    if (spec.type === 'boolean') {
      if (equals >= 0 || name in values) return undefined;
      values[name] = true;
      continue;
    }
    const value = equals >= 0 ? token.slice(equals + 1) : engineArgs[++i];
    if (value === undefined || value.startsWith('-')) return undefined;
    if (spec.type === 'array') {
      values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    } else {
      // A repeated option: the last one counts, as in cwltool (CWLTOOL_OPTIONS' words come first).
      values[name] = value;
    }
  }
  return values;
}
