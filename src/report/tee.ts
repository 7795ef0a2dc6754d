import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Calrissian's `--stderr FILE`: everything the engine shows on standard error
 * (log lines, the tools' output, the final `ERROR` cause) also goes to FILE,
 * which is truncated first. Writes are synchronous, so the file is complete
 * even when the process exits straight after the last line.
 */
export class StderrTee {
  readonly #fd: number;
  readonly #write: typeof process.stderr.write;

  private constructor(file: string) {
    this.#fd = openSync(file, 'w');
    this.#write = process.stderr.write;
    const fd = this.#fd;
    const original = this.#write;
    process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      try {
        if (typeof chunk === 'string') writeSync(fd, chunk);
        else if (chunk instanceof Uint8Array) writeSync(fd, chunk);
      } catch { /* a full disk must not stop the run */ }
      return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof process.stderr.write;
  }

  static install(file: string): StderrTee {
    return new StderrTee(file);
  }

  /** Restores standard error and closes the file. */
  close(): void {
    process.stderr.write = this.#write;
    try { closeSync(this.#fd); } catch { /* already closed */ }
  }
}
