import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** `text`: lines a person reads, in cwltool's and Calrissian's shape; `json`: one JSON object a line, for log collectors. */
export type LogFormat = 'text' | 'json';

/** Clears text of what must never be logged (the run's secrets: job/secrets.ts). */
export interface TextMask {
  readonly size: number;
  text(text: string): string;
}

/**
 * Logs on stderr (also in the --stderr file): text lines as cwltool's
 * (`INFO [job s1] echo hi`), on a terminal, in a file or a pipe alike, or
 * JSON lines when asked (--log-format json). With a mask, every string
 * logged (message and fields) is masked before it is formatted, so no secret
 * reaches a line in either format.
 */
export function createLogger(level: LogLevel, options: { timestamps: boolean; format?: LogFormat; plain?: boolean; mask?: TextMask }): Logger {
  const json = options.format === 'json';
  // Lines go through process.stderr (not straight to fd 2) so that the
  // --stderr tee sees them; stderr writes to files and pipes are synchronous.
  const stream: DestinationStream = json
    ? { write: (line: string) => process.stderr.write(line) }
    : { write: (line: string) => process.stderr.write(textLine(line, { timestamps: options.timestamps, color: process.stderr.isTTY === true && !options.plain })) };
  const mask = options.mask;
  const hooks = mask ? { logMethod(args: unknown[], method: (...a: unknown[]) => void): void { method.apply(this, mask.size === 0 ? args : args.map((a) => masked(a, mask))); } } : {};
  return pino({ level, base: undefined, timestamp: json || options.timestamps ? pino.stdTimeFunctions.isoTime : false, hooks }, stream);
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'CRITICAL' };
const LEVEL_COLORS: Readonly<Record<number, string>> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };

/**
 * One of pino's JSON records as cwltool writes its log lines:
 * `[2026-12-07 22:50:04] INFO [job s1] echo hi`. A step's line names its job
 * as cwltool does, without the top document's name (`wf.cwl/s1` → `s1`,
 * a scatter element `s1[2]`, a subworkflow's step `sub/s1`).
 */
export function textLine(record: string, options: { timestamps: boolean; color: boolean }): string {
  const r = JSON.parse(record) as { level: number; time?: string; msg?: string; step?: unknown; err?: { stack?: string; message?: string } };
  let msg = r.msg ?? '';
  if (typeof r.step === 'string' && msg.startsWith(`[${r.step}] `)) msg = `[job ${jobName(r.step)}] ${msg.slice(r.step.length + 3)}`;
  if (r.err) msg += `\n${r.err.stack ?? r.err.message ?? ''}`;
  const level = LEVEL_NAMES[r.level] ?? 'INFO';
  const color = options.color ? LEVEL_COLORS[r.level] : undefined;
  const head = options.color ? `\x1b[1;30m${level}\x1b[0m` : level;
  const body = color ? `${color}${msg}\x1b[0m` : msg;
  const time = options.timestamps && r.time !== undefined ? `[${localTime(new Date(r.time))}] ` : '';
  return `${time}${head} ${body}\n`;
}

/** A step's job name as cwltool's: the run's name without the top document's. */
function jobName(step: string): string {
  const slash = step.indexOf('/');
  return slash < 0 ? step : step.slice(slash + 1);
}

/** `2026-12-07 22:50:04`, in local time, as cwltool's --timestamps. */
function localTime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A log argument with its strings masked (a fields object's own string values too). */
function masked(arg: unknown, mask: TextMask): unknown {
  if (typeof arg === 'string') return mask.text(arg);
  if (arg === null || typeof arg !== 'object' || arg instanceof Error) return arg;
  return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, typeof v === 'string' ? mask.text(v) : v]));
}
