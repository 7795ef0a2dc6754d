import type { TextMask } from '../logger.js';
import type { RequirementSet } from '../model/requirements.js';
import { toShellScript, type CommandWord } from './commandLine.js';

/**
 * The values of inputs that cwltool's `Secrets` hint names (`secrets: [pw]`,
 * ids relative to the process or full ones like `#main/pw`): string values
 * only, as cwltool's secret store keeps them.
 */
export function secretValues(requirements: RequirementSet, inputs: Readonly<Record<string, unknown>>): string[] {
  const hint = requirements.get('cwltool:Secrets');
  const ids = Array.isArray(hint?.secrets) ? hint.secrets : [];
  return ids.flatMap((id) => {
    const name = String(id).split(/[#/]/).pop() ?? '';
    const value = inputs[name];
    return typeof value === 'string' && value.length > 0 ? [value] : [];
  });
}

/** What a secret is shown as. */
export const SECRET_PLACEHOLDER = '(secret)';

const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);
/** Inside single quotes, as shellQuote writes a word that holds it. */
const singleQuoted = (s: string): string => s.replace(/'/g, `'"'"'`);

/**
 * The run's secret values (filled as the run meets them) and how anything
 * the engine writes is cleared of them. What the engine formats itself (the
 * command line) gets the placeholder in each word before it is quoted, as
 * cwltool does; text that arrives formatted (a tool's output, an error
 * message that quotes a tool's last words) is cleared of every form a value
 * takes there: raw, inside shell quotes, JSON-escaped.
 */
export class SecretMask implements TextMask {
  readonly #values = new Set<string>();
  /** Every form of every value, longest first (a secret inside another is replaced after it). */
  #forms: readonly string[] = [];

  add(value: string): void {
    if (value.length === 0 || this.#values.has(value)) return;
    this.#values.add(value);
    const forms = new Set<string>();
    for (const v of this.#values) for (const f of [v, singleQuoted(v), jsonEscaped(v), jsonEscaped(singleQuoted(v))]) forms.add(f);
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  has(value: string): boolean {
    return this.#values.has(value);
  }

  get size(): number {
    return this.#values.size;
  }

  /** `text` with every form of every secret replaced by the placeholder. */
  text(text: string): string {
    let out = text;
    for (const form of this.#forms) if (out.includes(form)) out = out.split(form).join(SECRET_PLACEHOLDER);
    return out;
  }

  /** The command line as logged: each word's secrets replaced first, then quoted as the job's shell script is (ShellCommandRequirement). */
  commandLine(words: readonly CommandWord[], shell: boolean): string {
    const masked = this.#forms.length === 0 ? words : words.map((w) => ({ ...w, text: this.#raw(w.text) }));
    return shell ? `/bin/sh -c ${toShellScript(masked)}` : masked.map((w) => w.text).join(' ');
  }

  #raw(text: string): string {
    let out = text;
    for (const value of [...this.#values].sort((a, b) => b.length - a.length)) out = out.split(value).join(SECRET_PLACEHOLDER);
    return out;
  }
}
