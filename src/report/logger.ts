import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logs on stderr (or a file with --stderr). On a terminal, lines are
 * short and human-readable; elsewhere each line is JSON for log collectors.
 */
export async function createLogger(level: LogLevel, options: { timestamps: boolean; destination?: string }): Promise<Logger> {
  const fd = 2;
  const tty = !options.destination && process.stderr.isTTY;
  let stream: DestinationStream;
  if (tty) {
    const { default: pretty } = await import('pino-pretty');
    stream = pretty({ destination: fd, colorize: true, ignore: 'pid,hostname,argv,step,backend,exitCode,ms', translateTime: options.timestamps ? 'SYS:HH:MM:ss.l' : false, sync: true });
  } else {
    stream = pino.destination({ dest: options.destination ?? fd, sync: true });
  }
  return pino({ level, base: undefined, timestamp: options.timestamps || !tty ? pino.stdTimeFunctions.isoTime : false }, stream);
}
