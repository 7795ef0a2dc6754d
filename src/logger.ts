import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logs on stderr (also in the --stderr file). On a terminal, lines are
 * short and human-readable; elsewhere each line is JSON for log collectors.
 */
export async function createLogger(level: LogLevel, options: { timestamps: boolean; plain?: boolean }): Promise<Logger> {
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
  return pino({ level, base: undefined, timestamp: options.timestamps || !tty ? pino.stdTimeFunctions.isoTime : false }, stream);
}
