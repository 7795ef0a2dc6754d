import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** The JSON Schemas in the repository's `schemas/` folder: every file bespin reads or writes beside CWL. */
export type SchemaName = 'conf' | 'pod-labels' | 'pod-env-vars' | 'usage-report';

/**
 * The schema in the nearest `schemas/` folder above this module: the repository's
 * (or the image's /app) is three levels above dist/src/validate/ when compiled by
 * tsc, two above dist/bundle/ in the bundle.
 */
export function schemaPath(name: SchemaName): string {
  const file = path.join('schemas', `${name}.schema.json`);
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, file))) return path.join(dir, file);
    if (path.dirname(dir) === dir) return path.join(here, '../../..', file);
  }
}

const compiled = new Map<SchemaName, ValidateFunction>();

/**
 * Validates `value` against a schema; returns one line per problem, naming
 * the JSON path, or nothing when it is valid. ajv is loaded only when a file
 * that needs it is read: most runs read none.
 */
export async function schemaProblems(name: SchemaName, value: unknown): Promise<string[]> {
  let validate = compiled.get(name);
  if (!validate) {
    // CommonJS: its exports are the default export, in Node as in the bundle.
    const { Ajv2020 } = (await import('ajv/dist/2020.js')).default;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    validate = ajv.compile(JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object);
    compiled.set(name, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeProblem);
}

function describeProblem(e: ErrorObject): string {
  const where = e.instancePath || '(top level)';
  if (e.keyword === 'additionalProperties') return `unknown key '${String(e.params.additionalProperty)}'`;
  if (e.keyword === 'propertyNames') return `key '${String(e.params.propertyName)}' is not allowed: ${e.message ?? ''}`;
  return `${where}: ${e.message ?? e.keyword}`;
}
