import { takesValue } from './options.js';

export interface SplitArgv {
  /** Engine options, before the document. */
  readonly engine: string[];
  readonly document?: string;
  readonly jobFile?: string;
  /** `bespin job.yml`: the job file that named the document with `cwl:tool`; its inputs are under jobFile's (jobTool.ts). */
  readonly toolJobFile?: string;
  /** `--name value` tool inputs after the document. */
  readonly toolInputs: string[];
}

/** cwltool's layout: `[options] document [job] [--input value ...]`. */
export function splitArgv(argv: readonly string[]): SplitArgv {
  const engine: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') { i++; break; }
    if (!token.startsWith('-') || token === '-') break;
    engine.push(token);
    // Repeatable list options take one value per flag.
    if (takesValue(token) && i + 1 < argv.length) engine.push(argv[++i]!);
  }
  const document = argv[i];
  let rest = argv.slice(i + 1);
  let jobFile: string | undefined;
  // `-` is the job object on standard input, as in cwltool.
  if (rest.length > 0 && (rest[0] === '-' || !rest[0]!.startsWith('-'))) {
    jobFile = rest[0];
    rest = rest.slice(1);
  }
  return { engine, ...(document !== undefined ? { document } : {}), ...(jobFile !== undefined ? { jobFile } : {}), toolInputs: rest };
}
