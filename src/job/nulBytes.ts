import { PermanentFailure } from '../errors.js';

/** What of a job reaches the operating system as C strings, where a NUL byte cannot be. */
export interface ProcessStrings {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stdin?: string | undefined;
  readonly stdout?: string | undefined;
  readonly stderr?: string | undefined;
}

/**
 * Refuses a job whose command line, environment or redirections contain a
 * NUL byte (no process can be given one): a permanent failure naming the
 * step and the input it came from — never the value, which may be a secret.
 */
export function refuseNulBytes(job: ProcessStrings, inputs: Readonly<Record<string, unknown>>, step: string): void {
  const place = whereNul(job);
  if (place === undefined) return;
  const input = Object.keys(inputs).find((name) => holdsNul(inputs[name], 0));
  const what = input === undefined ? `${place} contains a NUL byte` : `input '${input}' puts a NUL byte into ${place}`;
  throw new PermanentFailure(`${step}: ${what}, which no process can be given (the value is not shown)`);
}

function whereNul(job: ProcessStrings): string | undefined {
  const argument = job.argv.findIndex((a) => a.includes('\0'));
  if (argument >= 0) return `the command line (argument ${argument})`;
  const variable = Object.entries(job.env).find(([k, v]) => k.includes('\0') || v.includes('\0'));
  if (variable) return `the environment (${variable[0].replaceAll('\0', '\\0')})`;
  for (const stream of ['stdin', 'stdout', 'stderr'] as const) if (job[stream]?.includes('\0')) return `the ${stream} file name`;
  return undefined;
}

/** Whether a job-object value (string, File, record, array) holds a NUL byte anywhere. */
function holdsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some((v) => holdsNul(v, depth + 1));
}
