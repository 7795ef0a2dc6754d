/**
 * How deep arrays and mappings may nest in any value the engine walks: a
 * document or job file (also through YAML aliases and `$import`), an
 * expression's result, and processes in processes (a step whose `run` is a
 * workflow). Loading, validation, planning, --pack, --print-dot and the walks
 * over Files recurse; js-yaml refuses YAML nested deeper than this by
 * default, and no real document comes near it.
 */
export const NESTING_LIMIT = 100;

/**
 * The offset of the first `[` or `{` of valid JSON text that opens past the
 * nesting limit, or -1: a linear scan of the text, as JSON.parse takes any
 * depth and JSON.stringify needs a stack as deep as the value.
 */
export function offsetPastNesting(json: string): number {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; json.charCodeAt(i) !== 0x22; i++) if (json.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > NESTING_LIMIT) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return -1;
}
