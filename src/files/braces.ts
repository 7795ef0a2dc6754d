/**
 * Brace expansion of a glob pattern (`a{b,c}d` → `abd`, `acd`; nested
 * groups; a backslash escapes a brace or comma), done before the pattern's
 * `..` check so `{..,.}/x` is seen as `../x`, and bounded: twenty `{a,b}`
 * groups are a million patterns, which the matcher would walk one by one.
 * A group with no comma is literal, as in minimatch and bash.
 */
export const MAX_BRACE_EXPANSIONS = 1024;

export class BraceLimitError extends Error {}

/** The patterns a glob stands for; throws BraceLimitError past `limit` of them. */
export function expandBraces(pattern: string, limit = MAX_BRACE_EXPANSIONS): string[] {
  const group = findGroup(pattern);
  if (!group) return [pattern];
  const head = pattern.slice(0, group.open);
  const tail = pattern.slice(group.close + 1);
  const out: string[] = [];
  for (const alternative of group.alternatives) {
    for (const expanded of expandBraces(head + alternative + tail, limit)) {
      out.push(expanded);
      if (out.length > limit) throw new BraceLimitError(`it expands to more than ${limit} patterns`);
    }
  }
  return out;
}

interface Group {
  readonly open: number;
  readonly close: number;
  readonly alternatives: readonly string[];
}

/** The first top-level `{…,…}` group; a group without a top-level comma is literal text. */
function findGroup(pattern: string): Group | undefined {
  for (let open = 0; open < pattern.length; open++) {
    const c = pattern[open];
    if (c === '\\') { open++; continue; }
    if (c !== '{') continue;
    const group = readGroup(pattern, open);
    if (group && group.alternatives.length > 1) return group;
  }
  return undefined;
}

function readGroup(pattern: string, open: number): Group | undefined {
  const alternatives: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; continue; }
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '}') {
      alternatives.push(pattern.slice(start, i));
      return { open, close: i, alternatives };
    } else if (c === ',' && depth === 0) {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}
