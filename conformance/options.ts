/** Command-line options of the conformance harness (conformance/run.ts). */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The CWL versions whose official suites the harness runs. */
export const CWL_VERSIONS = ['v1.0', 'v1.1', 'v1.2'] as const;
export type CwlVersion = (typeof CWL_VERSIONS)[number];

/** Where each suite keeps its test list, relative to `<shared>/cwl-vX.Y/`. */
export const TEST_LISTS: Readonly<Record<CwlVersion, string>> = {
  'v1.0': 'conformance_test_v1.0.yaml',
  'v1.1': 'conformance_tests.yaml',
  'v1.2': 'conformance_tests.yaml',
};

/**
 * The per-version name of a harness file: v1.2 keeps the historical names
 * (`baseline.txt`, `out`), older suites add their version
 * (`baseline-v1.0.txt`, `out-v1.0`).
 */
export function versioned(name: string, version: CwlVersion): string {
  if (version === 'v1.2') return name;
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') ? `${name.slice(0, dot)}-${version}${name.slice(dot)}` : `${name}-${version}`;
}

export interface Options {
  readonly cwlVersion: CwlVersion;
  /** The engine command cwltest runs; undefined means the generated bespin wrapper. */
  readonly tool: string | undefined;
  readonly jobs: number;
  readonly tags: string | undefined;
  readonly excludeTags: string | undefined;
  readonly numbers: string | undefined;
  /** Leave out the tests this suite runs the same but for their cwlVersion (sameTests.ts). */
  readonly skipSameAs: CwlVersion | undefined;
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

Runs a CWL conformance suite with cwltest and checks the baseline.

  --cwl-version V     v1.0, v1.1 or v1.2 (default v1.2): the suite under
                      <shared>/cwl-V/, with its own baseline and out dir
  --tool CMD          engine to test (default: a wrapper around dist/bundle/bespin.js)
  -j, --jobs N        tests run in parallel (default 2)
  --tags A,B          only tests with any of these tags
  --exclude-tags A,B  skip tests with any of these tags
  -n, --numbers SPEC  only these test numbers, e.g. 1,3-6,9 (after tag filtering)
  --skip-same-as V    leave out the tests suite V holds the same but for their
                      cwlVersion (documents, job and expected output)
  --out DIR           output directory (default conformance/out, out-v1.0, out-v1.1)
  --shared DIR        directory holding cwl-vX.Y/ (default ../shared beside the repo)
  --baseline FILE     ids expected to pass (default conformance/baseline.txt,
                      baseline-v1.0.txt, baseline-v1.1.txt)
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
        'cwl-version': { type: 'string' },
        tool: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        tags: { type: 'string' },
        'exclude-tags': { type: 'string' },
        numbers: { type: 'string', short: 'n' },
        'skip-same-as': { type: 'string' },
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
  const cwlVersion = parseCwlVersion(values['cwl-version']);
  return {
    cwlVersion,
    tool: tool === undefined || !tool.includes('/') || isAbsolute(tool) ? tool : resolve(where.cwd, tool),
    jobs: positiveInteger('--jobs', values.jobs, 2),
    tags: nonEmpty('--tags', values.tags),
    excludeTags: nonEmpty('--exclude-tags', values['exclude-tags']),
    numbers: nonEmpty('-n', values.numbers),
    skipSameAs: values['skip-same-as'] === undefined ? undefined : parseCwlVersion(values['skip-same-as'], '--skip-same-as'),
    out: path(values.out, versioned('conformance/out', cwlVersion)),
    shared: path(values.shared, '../shared'),
    baseline: path(values.baseline, versioned('conformance/baseline.txt', cwlVersion)),
    updateBaseline: values['update-baseline'] ?? false,
    timeout: positiveInteger('--timeout', values.timeout, 120),
    toolArgs,
    help: values.help ?? false,
  };
}

/**
 * The `--cwl-version` among harness arguments (before any `--`), for wrappers
 * such as kubernetes.ts that must pick the suite before running the harness.
 */
export function cwlVersionOf(argv: readonly string[]): CwlVersion {
  const dashDash = argv.indexOf('--');
  const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
  let given: string | undefined;
  own.forEach((arg, i) => {
    if (arg === '--cwl-version') given = own[i + 1] ?? '';
    else if (arg.startsWith('--cwl-version=')) given = arg.slice('--cwl-version='.length);
  });
  return parseCwlVersion(given);
}

function parseCwlVersion(value: string | undefined, option = '--cwl-version'): CwlVersion {
  if (value === undefined) return 'v1.2';
  const found = CWL_VERSIONS.find((v) => v === value);
  if (found === undefined) throw new OptionsError(`${option} must be one of ${CWL_VERSIONS.join(', ')}, got "${value}"`);
  return found;
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
