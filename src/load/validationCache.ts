import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Remembers which documents passed the schema check, so that a second run of
 * the same document skips loading cwl-ts-auto (a third of start-up). An entry
 * is keyed by the exact text that was checked, its URI, and the checker itself
 * (this module's and documentSchema's code, cwl-ts-auto's entry file): any
 * change to one of them is a miss. Only passes are kept; a failure is checked
 * again, so that its message is always the checker's own. Entries are written
 * whole (a temporary file renamed into place); anything unreadable is a miss,
 * and a cache that cannot be written is just not used.
 */
export class ValidationCache {
  readonly #dir: string;
  readonly #checker: string;

  private constructor(dir: string, checker: string) {
    this.#dir = dir;
    this.#checker = checker;
  }

  /**
   * The cache under `root` (the CLI's cache directory), or undefined when there is none. `checkerModules`
   * are the URLs of the modules that check (the caller's `import.meta.url`).
   */
  static open(root: string | undefined, checkerModules: readonly string[] = []): ValidationCache | undefined {
    if (!root) return undefined;
    const checker = checkerStamp(checkerModules);
    return checker === undefined ? undefined : new ValidationCache(path.join(root, 'valid'), checker);
  }

  keyOf(uri: string, checkedText: string): string {
    return createHash('sha256').update(this.#checker).update('\0').update(uri).update('\0').update(checkedText).digest('hex');
  }

  isKnownValid(key: string): boolean {
    try {
      return readFileSync(this.#entry(key), 'utf8') === VALID;
    } catch {
      return false;
    }
  }

  rememberValid(key: string): void {
    const entry = this.#entry(key);
    const temporary = `${entry}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(entry), { recursive: true });
      writeFileSync(temporary, VALID);
      renameSync(temporary, entry);
    } catch {
      // not cached: the next run checks again
    }
  }

  #entry(key: string): string {
    return path.join(this.#dir, key.slice(0, 2), key);
  }
}

const VALID = 'valid\n';

/**
 * What identifies the checker: the files holding its code, and the cwl-ts-auto
 * Node would load (by path, size and time) where one is installed. Compiled by
 * tsc, the files are this module and documentSchema.js; in the bundle they are
 * the chunks holding them, whose content-hashed imports (cwl-ts-auto's chunk
 * among them) change with the code they load.
 */
function checkerStamp(checkerModules: readonly string[]): string | undefined {
  try {
    const own = [...new Set([import.meta.url, ...checkerModules])].map((url) => readFileSync(fileURLToPath(url), 'utf8'));
    return createHash('sha256').update(own.join('\0')).update(installedModel()).digest('hex');
  } catch {
    return undefined;
  }
}

function installedModel(): string {
  try {
    const model = fileURLToPath(import.meta.resolve('cwl-ts-auto'));
    const { size, mtimeMs } = statSync(model);
    return `\0${model}\0${size}\0${mtimeMs}`;
  } catch {
    return ''; // bundled, with no node_modules beside it
  }
}
