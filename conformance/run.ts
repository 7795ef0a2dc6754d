/**
 * The conformance harness: runs an official CWL suite (v1.0, v1.1 or v1.2) with cwltest,
 * reads its JUnit report and log, writes summary.json / summary.md, and
 * checks the baseline. This file is the I/O edge; the logic lives in the
 * modules beside it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../test/helpers/cli.js';
import { checkBaseline, formatBaseline, parseBaseline, updateBaseline, type BaselineCheck } from './baseline.js';
import { parseCwltestLog } from './cwltest-log.js';
import { parseJUnit } from './junit.js';
import { OptionsError, parseOptions, TEST_LISTS, USAGE, type Options } from './options.js';
import { attributeResults } from './results.js';
import { numbersWithoutTwin } from './sameTests.js';
import { selectTests, SelectionError, type Selection } from './selection.js';
import { loadSuite, SuiteError, type SuiteTest } from './suite.js';
import { renderMarkdown, renderTable, summarize, type Summary } from './summary.js';

/** An expected failure of the harness itself (exit status 2). */
class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

interface Paths {
  readonly testFile: string;
  readonly junit: string;
  readonly badges: string;
  readonly log: string;
  readonly summaryJson: string;
  readonly summaryMd: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  const options = parseOptions(argv, { repoRoot, cwd: process.cwd() });
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const paths = outputPaths(options);
  if (!existsSync(paths.testFile)) {
    throw new HarnessError(`no test list at ${paths.testFile} (set --shared to the directory holding cwl-${options.cwlVersion}/)`);
  }
  const suite = loadSuite(paths.testFile, (p) => readFileSync(p, 'utf8'));
  const selection = withoutTwins(selectTests(suite, options), options);
  prepareOutDir(options.out, paths);
  const tool = options.tool ?? writeBespinWrapper(options.out);

  const args = cwltestArgs(options, paths, tool, options.skipSameAs === undefined ? options.numbers : selection.numbers.join(','));
  console.log(`== cwltest ${args.join(' ')}`);
  console.log(`== ${selection.numbers.length} of ${suite.length} tests selected; log: ${paths.log}`);
  const exit = await runCwltest(args, dirname(paths.testFile), paths.log);
  if (exit.signal !== undefined) throw new HarnessError(`cwltest was stopped by ${exit.signal}`);
  if (!existsSync(paths.junit)) {
    throw new HarnessError(`cwltest exited with status ${exit.code} without writing ${paths.junit}; see ${paths.log}`);
  }

  const log = parseCwltestLog(readFileSync(paths.log, 'utf8'));
  const attribution = attributeResults(parseJUnit(readFileSync(paths.junit, 'utf8')), selection, log);
  const { results } = attribution;
  const warnings = [...attribution.warnings];
  const summary = summarize(results, new Map(suite.map((t) => [t.id, t.tags] as const)));
  if (log.tally !== undefined && log.tally.failed !== summary.overall.failed) {
    warnings.push(`cwltest counted ${log.tally.failed} failures, the harness ${summary.overall.failed}`);
  }
  for (const w of warnings) console.warn(`warning: ${w}`);

  const baselineIds = existsSync(options.baseline) ? parseBaseline(readFileSync(options.baseline, 'utf8')) : [];
  const check = checkBaseline(baselineIds, results, {
    selectedIds: new Set(selection.numbers.map((n) => selection.filtered[n - 1]!.id)),
    knownIds: new Set(suite.map((t) => t.id)),
  });
  writeSummary(paths, { options, tool, args, selection, summary, check, warnings, results });
  console.log(`\n${renderTable(summary)}\n`);
  if (summary.failing.length > 0) console.log(`${summary.failing.length} failing tests are listed in ${paths.summaryMd}`);

  if (options.updateBaseline) {
    const { ids, added } = updateBaseline(baselineIds, results);
    writeFileSync(options.baseline, formatBaseline(ids));
    console.log(`baseline: added ${added.length} passing tests to ${options.baseline}${listed(added)}`);
  }
  return reportBaseline(check, baselineIds.length, options.baseline);
}

function outputPaths(options: Options): Paths {
  return {
    testFile: join(options.shared, `cwl-${options.cwlVersion}`, TEST_LISTS[options.cwlVersion]),
    junit: join(options.out, 'junit.xml'),
    badges: join(options.out, 'badges'),
    log: join(options.out, 'cwltest.log'),
    summaryJson: join(options.out, 'summary.json'),
    summaryMd: join(options.out, 'summary.md'),
  };
}

/** Removes only what an earlier run wrote, so a stale report is never read. */
function prepareOutDir(out: string, paths: Paths): void {
  mkdirSync(out, { recursive: true });
  for (const p of [paths.junit, paths.badges, paths.log, paths.summaryJson, paths.summaryMd]) {
    rmSync(p, { recursive: true, force: true });
  }
}

/** `--skip-same-as V`: the selection less the tests whose twin suite V runs (sameTests.ts). */
function withoutTwins(selection: Selection, options: Options): Selection {
  if (options.skipSameAs === undefined) return selection;
  const other = loadSuite(join(options.shared, `cwl-${options.skipSameAs}`, TEST_LISTS[options.skipSameAs]), (p) => readFileSync(p, 'utf8'));
  const readMaybe = (p: string): string | undefined => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'latin1') : undefined);
  const numbers = numbersWithoutTwin(selection.filtered, selection.numbers, other, readMaybe);
  console.log(`== --skip-same-as ${options.skipSameAs}: ${selection.numbers.length - numbers.length} tests are the same there, ${numbers.length} left`);
  if (numbers.length === 0) throw new HarnessError(`every selected test is the same in ${options.skipSameAs}: nothing to run`);
  return { filtered: selection.filtered, numbers };
}

function cwltestArgs(options: Options, paths: Paths, tool: string, numbers: string | undefined): string[] {
  return [
    '--test', paths.testFile,
    '--tool', tool,
    '-j', String(options.jobs),
    '--junit-xml', paths.junit,
    '--badgedir', paths.badges,
    '--timeout', String(options.timeout),
    ...(options.tags !== undefined ? ['--tags', options.tags] : []),
    ...(options.excludeTags !== undefined ? ['--exclude-tags', options.excludeTags] : []),
    ...(numbers !== undefined ? ['-n', numbers] : []),
    ...(options.toolArgs.length > 0 ? ['--', ...options.toolArgs] : []),
  ];
}

/** Writes `<out>/bespin`, which runs the built CLI with the Node running this harness. */
function writeBespinWrapper(out: string): string {
  const cli = CLI;
  if (!existsSync(cli)) {
    throw new HarnessError(`the bespin CLI is not built (${cli} is missing): run npm run build, or pass --tool`);
  }
  const wrapper = join(out, 'bespin');
  const q = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      '# Generated by conformance/run.ts: the bespin CLI under the Node that ran the harness.',
      `PATH=${q(dirname(process.execPath))}:"$PATH"; export PATH`,
      `exec ${q(process.execPath)} ${q(cli)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return wrapper;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | undefined;
}

/** Runs cwltest in `cwd`, echoing its output and copying it to `logPath`. */
function runCwltest(args: readonly string[], cwd: string, logPath: string): Promise<Exit> {
  return new Promise((resolvePromise, reject) => {
    const logFile = createWriteStream(logPath);
    const child = spawn('cwltest', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let stopped: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals): void => {
      stopped = signal;
      child.kill(signal);
    };
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      logFile.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      logFile.write(chunk);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      logFile.end();
      reject(
        e.code === 'ENOENT' ? new HarnessError('cwltest is not on PATH (install it with: pip install cwltest)') : e,
      );
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      logFile.end(() => resolvePromise({ code, signal: stopped ?? signal ?? undefined }));
    });
  });
}

interface Report {
  readonly options: Options;
  readonly tool: string;
  readonly args: readonly string[];
  readonly selection: Selection;
  readonly summary: Summary;
  readonly check: BaselineCheck;
  readonly warnings: readonly string[];
  readonly results: readonly { readonly id: string; readonly outcome: string }[];
}

function writeSummary(paths: Paths, report: Report): void {
  const { options, summary, check } = report;
  const json = {
    generatedAt: new Date().toISOString(),
    cwlVersion: options.cwlVersion,
    tool: report.tool,
    cwltestArgs: report.args,
    selection: {
      tags: options.tags ?? null,
      excludeTags: options.excludeTags ?? null,
      numbers: options.numbers ?? null,
      selected: report.selection.numbers.length,
    },
    ...summary,
    outcomes: Object.fromEntries(report.results.map((r) => [r.id, r.outcome])),
    baseline: {
      file: options.baseline,
      regressions: check.regressions,
      unknown: check.unknown,
      notRun: check.notRun.length,
    },
    warnings: report.warnings,
  };
  writeFileSync(paths.summaryJson, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(paths.summaryMd, renderMarkdown(summary, `CWL ${options.cwlVersion} conformance`));
}

function reportBaseline(check: BaselineCheck, size: number, file: string): number {
  for (const r of check.regressions) {
    console.error(`REGRESSION ${r.id}: ${r.outcome}${r.message !== undefined ? ` — ${firstLine(r.message)}` : ''}`);
  }
  for (const id of check.unknown) console.error(`BASELINE ERROR ${id}: not a test of the suite (fix ${file})`);
  const bad = check.regressions.length + check.unknown.length;
  const checked = size - check.notRun.length - check.unknown.length;
  console.log(
    bad === 0
      ? `baseline: no regressions (${checked} baseline tests checked, ${check.notRun.length} not selected)`
      : `baseline: ${check.regressions.length} regressions, ${check.unknown.length} unknown ids (${file})`,
  );
  return bad === 0 ? 0 : 1;
}

function listed(ids: readonly string[]): string {
  return ids.length === 0 ? '' : `:\n  ${ids.join('\n  ')}`;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The nearest directory above `from` whose package.json names bespin. */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'bespin') return dir;
    if (dirname(dir) === dir) throw new HarnessError(`no bespin package.json above ${from}`);
  }
}

const EXPECTED_ERRORS = [HarnessError, OptionsError, SelectionError, SuiteError];

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (EXPECTED_ERRORS.some((cls) => e instanceof cls)) {
      console.error(`conformance: ${(e as Error).message}`);
      if (e instanceof OptionsError) console.error(USAGE);
    } else {
      console.error('conformance: internal error:', e);
    }
    process.exitCode = 2;
  },
);
