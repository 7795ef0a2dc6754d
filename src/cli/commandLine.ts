import type { Argv } from 'yargs';
import { UserError, errorMessage } from '../errors.js';
import { resolveOptions } from './conf.js';
import { ENGINE_OPTIONS, invalidChoice, lastValues } from './options.js';
import { readPeerArguments } from './peerArguments.js';
import { existingFile } from './optionParsers.js';
import { readPlainOptions } from './plainOptions.js';
import { engineOptions, type EngineOptions } from './engineOptions.js';
import { cwltoolOptions } from './environment.js';
import { splitArgv, type SplitArgv } from './splitArgv.js';

const VERSION = 'bespin 0.1.0 (CWL v1.0, v1.1, v1.2; Calrissian 0.18 and cwltool 3.3 command lines)';

/** A command line read and checked: a run to do, or an exit code (help, version, or a usage error already reported). */
export type CommandLine =
  | {
    readonly kind: 'run'; readonly split: SplitArgv; readonly options: EngineOptions;
    /** Warning lines about the command line (ignored peer options, ignored conf keys), for the run's logger: so --stderr FILE has them too. */
    readonly warnings: readonly string[];
  }
  | { readonly kind: 'exit'; readonly code: number };

/**
 * Splits argv (after CWLTOOL_OPTIONS' words, as cwltool reads them), parses
 * the engine options over the conf files, and checks them with the
 * environment into the run's typed options; problems (a bad option or
 * environment variable alike) are reported on stderr here. Warnings go with
 * the run, to its logger; a command line that ends here prints them first.
 */
export async function readCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandLine> {
  const split = splitArgv([...cwltoolOptions(env), ...argv]);
  // cwltool's and Calrissian's options: refused (exit 33), dropped with a warning, or read below.
  const peers = readPeerArguments(split.engine);
  if (peers.kind === 'exit') {
    process.stderr.write(`${peers.line}\n`);
    return { kind: 'exit', code: peers.code };
  }
  const warnings = [...peers.warnings];
  const exit = (code: number, line?: string): CommandLine => {
    if (!peers.flags['no-warnings']) for (const warning of warnings) process.stderr.write(`WARNING ${warning}\n`);
    if (line !== undefined) process.stderr.write(`${line}\n`);
    return { kind: 'exit', code };
  };
  if (peers.flags['print-supported-versions']) {
    process.stdout.write('v1.0\nv1.1\nv1.2\n');
    return exit(0);
  }
  try {
    const given = readPlainOptions(peers.engine) ?? lastValues((await (await engineOptionParser(peers.engine)).parseAsync()) as Record<string, unknown>);
    if (given.help || given.version) return exit(0);
    if (given.conf !== undefined) existingFile('--conf', given.conf);
    const values = { ...(await resolveOptions(given, env, (w) => warnings.push(w))), ...peers.flags };
    // A value outside an option's choices gets cwltool's own message (exit 2).
    const badChoice = invalidChoice(values);
    if (badChoice) return exit(2, `bespin: ${badChoice}`);
    // --tool-help is cwltool's spelling of `tool.cwl --help`.
    const run = peers.flags['tool-help'] ? { ...split, toolInputs: [...split.toolInputs, '--help'] } : split;
    return { kind: 'run', split: run, options: engineOptions(values, env), warnings };
  } catch (error) {
    return exit(error instanceof UserError ? error.exitCode : 2, error instanceof UserError ? `ERROR ${error.message}` : `bespin: ${errorMessage(error)}`);
  }
}

async function engineOptionParser(engineArgs: readonly string[]): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  const parser = yargs([...engineArgs])
    .scriptName('bespin')
    .usage('$0 [options] <document.cwl> [job.yml] [--input value ...]')
    .version(VERSION)
    .help()
    .epilogue("cwltool's and Calrissian's options are accepted too: docs/cli-compatibility.md says what bespin does with each")
    .strict()
    .showHelpOnFail(false)
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': false });
  // Defaults are applied after parsing, below the conf files (see resolveOptions).
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) {
    // Numbers reach checkRunSettings as written, so a bad one is named as given rather than as NaN.
    const shownDefault = spec.default !== undefined ? ` [default: ${String(spec.default)}]` : '';
    parser.option(name, { type: spec.type === 'number' ? 'string' : spec.type, describe: `${spec.describe}${shownDefault}` });
  }
  return parser;
}
