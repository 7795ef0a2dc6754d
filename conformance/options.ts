/** Command-line options of the conformance harness (conformance/run.ts). */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface Options {
  /** The engine command cwltest runs; undefined means the generated bespin wrapper. */
  readonly tool: string | undefined;
  readonly jobs: number;
  readonly tags: string | undefined;
  readonly excludeTags: string | undefined;
  readonly numbers: string | undefined;
  /** Absolute paths. */
  readonly out: string;
  readonly shared: string;
  readonly baseline: string;
  readonly updateBaseline: boolean;
  /** Seconds per test. */
  readonly timeout: number;
  /** Extra arguments cwltest passes to the tool (everything after `--`). */
  readonly toolArgs: readonly string[];
  readonly help: boolean;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export const USAGE = `Usage: npm run conformance -- [options] [-- tool args...]

Runs the CWL v1.2 conformance suite with cwltest and checks the baseline.

  --tool CMD          engine to test (default: a wrapper around dist/src/cli/main.js)
  -j, --jobs N        tests run in parallel (default 2)
  --tags A,B          only tests with any of these tags
  --exclude-tags A,B  skip tests with any of these tags
  -n, --numbers SPEC  only these test numbers, e.g. 1,3-6,9 (after tag filtering)
  --out DIR           output directory (default conformance/out)
  --shared DIR        directory holding cwl-v1.2/ (default ../shared beside the repo)
  --baseline FILE     ids expected to pass (default conformance/baseline.txt)
  --update-baseline   add newly passing tests to the baseline (never removes)
  --timeout S         seconds per test (default 120)
  -h, --help          this text

Exit status: 0 when every baseline test that ran passed, 1 otherwise,
2 when the harness itself could not run.`;

/**
 * Parses harness arguments. Paths given on the command line resolve against
 * `cwd`; the defaults resolve against the repository root.
 */
export function parseOptions(argv: readonly string[], where: { readonly repoRoot: string; readonly cwd: string }): Options {
  const dashDash = argv.indexOf('--');
  const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const toolArgs = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...own],
      strict: true,
      allowPositionals: false,
      options: {
        tool: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        tags: { type: 'string' },
        'exclude-tags': { type: 'string' },
        numbers: { type: 'string', short: 'n' },
        out: { type: 'string' },
        shared: { type: 'string' },
        baseline: { type: 'string' },
        'update-baseline': { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new OptionsError((e as Error).message);
  }
  const path = (given: string | undefined, fallback: string): string =>
    given === undefined ? resolve(where.repoRoot, fallback) : resolve(where.cwd, given);
  const tool = values.tool;
  return {
    tool: tool === undefined || !tool.includes('/') || isAbsolute(tool) ? tool : resolve(where.cwd, tool),
    jobs: positiveInteger('--jobs', values.jobs, 2),
    tags: nonEmpty('--tags', values.tags),
    excludeTags: nonEmpty('--exclude-tags', values['exclude-tags']),
    numbers: nonEmpty('-n', values.numbers),
    out: path(values.out, 'conformance/out'),
    shared: path(values.shared, '../shared'),
    baseline: path(values.baseline, 'conformance/baseline.txt'),
    updateBaseline: values['update-baseline'] ?? false,
    timeout: positiveInteger('--timeout', values.timeout, 120),
    toolArgs,
    help: values.help ?? false,
  };
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new OptionsError(`${name} must be a positive integer, got "${value}"`);
  }
  return Number(value);
}

function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new OptionsError(`${name} must not be empty`);
  return value;
}
