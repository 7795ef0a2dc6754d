import type { FileOrDirectory, FileValue, SecondaryFileSchema } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { ValidationError } from '../errors.js';
import { resolveUri } from '../files/uri.js';
import { expectOptionalBoolean } from '../expressions/resultTypes.js';

/** Evaluates a possibly-expression string with `self` bound. */
export type EvaluateWithSelf = (text: unknown, self: unknown) => Promise<unknown>;

/** Applies a secondaryFiles pattern to a name: each leading `^` strips one extension. */
export function applyPattern(basename: string, pattern: string): string {
  let base = basename;
  let rest = pattern;
  while (rest.startsWith('^')) {
    const dot = base.lastIndexOf('.');
    if (dot > 0) base = base.slice(0, dot);
    rest = rest.slice(1);
  }
  return base + rest;
}

export interface SecondaryCandidate {
  readonly value: FileOrDirectory;
  readonly required: boolean;
  readonly pattern: string;
}

/**
 * A secondary file named by a pattern lies beside its primary or below it:
 * a document's pattern may not reach other host files (`../../etc/shadow`,
 * an absolute path) through a File the user gave.
 */
function besidePrimary(name: string, pattern: string, basename: string, where: string): void {
  if (!name.startsWith('/') && !name.split('/').includes('..')) return;
  throw new ValidationError(`${where}: secondaryFiles pattern '${pattern}' of ${basename} names '${name}', outside the primary file's directory`);
}

/**
 * Works out which secondary files a primary file should have, from the
 * schema's patterns and expressions. Paths are relative to the primary's
 * location; whether they exist is for the caller to check.
 */
export async function secondaryCandidates(
  primary: FileValue, schemas: readonly SecondaryFileSchema[], evaluate: EvaluateWithSelf, requiredByDefault: boolean, where = 'secondaryFiles',
): Promise<SecondaryCandidate[]> {
  const out: SecondaryCandidate[] = [];
  const basename = primary.basename ?? primary.location.slice(primary.location.lastIndexOf('/') + 1);
  for (const schema of schemas) {
    const required = schema.required === undefined ? requiredByDefault
      : expectOptionalBoolean(await evaluate(schema.required, primary), 'required', where) ?? false;
    const isExpr = schema.pattern.includes('$(') || schema.pattern.includes('${');
    const results = isExpr ? await evaluate(schema.pattern, primary) : applyPattern(basename, schema.pattern);
    for (const result of Array.isArray(results) ? results : [results]) {
      if (result === null || result === undefined) continue;
      if (typeof result === 'string') {
        besidePrimary(result, schema.pattern, basename, where);
        out.push({ value: { class: 'File', location: resolveUri(encodeURI(result), primary.location), basename: result.split('/').pop()! }, required, pattern: schema.pattern });
      } else if (isPlainObject(result) && (result.class === 'File' || result.class === 'Directory')) {
        const v = result as FileOrDirectory;
        const location = v.location ?? (typeof v.path === 'string' ? resolveUri(v.path, primary.location) : undefined);
        out.push({ value: { ...v, ...(location ? { location } : {}) } as FileOrDirectory, required, pattern: schema.pattern });
      }
    }
  }
  return out;
}
