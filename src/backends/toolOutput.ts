import { StringDecoder } from 'node:string_decoder';
import type { Logger } from '../logger.js';

/** A line longer than this is logged in pieces: a progress bar redrawn with \r for hours never ends its line. */
const MAX_LINE_CHARS = 16_384;

/**
 * A tool's own output (whatever no redirection captured) as log records, one
 * per line, naming the step. Parallel steps' bytes then never interleave
 * mid-line, log collectors see which step said what, and stdout stays the
 * output object's alone. Used by every backend. `--quiet` quiets the engine,
 * not the tools: as with cwltool, what a tool says is shown at any log level.
 */
export class ToolOutputLines {
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';

  readonly #logger: Logger;

  constructor(logger: Logger, readonly step: string) {
    this.#logger = logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
  }

  write(chunk: Buffer): void {
    // The decoder holds a character split across chunks back until it is whole.
    this.#pending += this.#decoder.write(chunk);
    const lines = this.#pending.split('\n');
    this.#pending = lines.pop()!;
    // A CRLF line ends at its \r; a \r elsewhere (a redrawn bar) is the tool's text.
    for (const line of lines) this.#log(line.endsWith('\r') ? line.slice(0, -1) : line);
    while (this.#pending.length > MAX_LINE_CHARS) {
      this.#log(this.#pending.slice(0, MAX_LINE_CHARS));
      this.#pending = this.#pending.slice(MAX_LINE_CHARS);
    }
  }

  /** The last line, when the tool did not end it with a newline. */
  end(): void {
    this.#pending += this.#decoder.end();
    if (this.#pending) this.#log(this.#pending);
    this.#pending = '';
  }

  #log(line: string): void {
    this.#logger.info({ step: this.step }, `[${this.step}] ${line}`);
  }
}
