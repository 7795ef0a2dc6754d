import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Clears text of what must never be logged (the run's secrets: job/secrets.ts). */
export interface TextMask {
  readonly size: number;
  text(text: string): string;
}

/**
 * Structured logs on stderr (also in the --stderr file). On a terminal, lines are
 * short and human-readable; elsewhere each line is JSON for log collectors.
 * With a mask, every string logged (message and fields) is masked before it
 * is formatted, so no secret reaches a line JSON-escaped either.
 */
export async function createLogger(level: LogLevel, options: { timestamps: boolean; plain?: boolean; mask?: TextMask }): Promise<Logger> {
  const tty = process.stderr.isTTY;
  let stream: DestinationStream;
  // Lines go through process.stderr (not straight to fd 2) so that the
  // --stderr tee sees them; stderr writes to files and pipes are synchronous.
  if (tty) {
    const { default: pretty } = await import('pino-pretty');
    stream = pretty({ destination: process.stderr, colorize: !options.plain, ignore: 'pid,hostname,argv,step,backend,exitCode,ms', translateTime: options.timestamps ? 'SYS:HH:MM:ss.l' : false, sync: true });
  } else {
    stream = { write: (line: string) => process.stderr.write(line) };
  }
  const mask = options.mask;
  const hooks = mask ? { logMethod(args: unknown[], method: (...a: unknown[]) => void): void { method.apply(this, mask.size === 0 ? args : args.map((a) => masked(a, mask))); } } : {};
  return pino({ level, base: undefined, timestamp: options.timestamps || !tty ? pino.stdTimeFunctions.isoTime : false, hooks }, stream);
}

/** A log argument with its strings masked (a fields object's own string values too). */
function masked(arg: unknown, mask: TextMask): unknown {
  if (typeof arg === 'string') return mask.text(arg);
  if (arg === null || typeof arg !== 'object' || arg instanceof Error) return arg;
  return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, typeof v === 'string' ? mask.text(v) : v]));
}
