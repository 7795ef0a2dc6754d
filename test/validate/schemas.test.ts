import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ENGINE_OPTIONS } from '../../src/cli/options.js';
import { schemaPath, schemaProblems } from '../../src/validate/schemas.js';

test('schemas/conf.schema.json names every engine option, with the type the option takes', async () => {
  const schema = JSON.parse(await readFile(schemaPath('conf'), 'utf8')) as { properties: Record<string, { type?: string | string[] }> };
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) {
    if (name === 'conf') continue;
    const property = schema.properties[name.replaceAll('-', '_')];
    assert.ok(property, `conf key ${name.replaceAll('-', '_')} is in the schema`);
    const types = [property.type ?? []].flat() as string[];
    assert.ok(types.includes(spec.type === 'number' ? 'number' : spec.type), `${name}: ${spec.type} is accepted (schema says ${types.join('|')})`);
  }
  const extra = Object.keys(schema.properties).filter((k) => !ENGINE_OPTIONS[k.replaceAll('_', '-')]);
  assert.deepEqual(extra.sort(), ['pull_image', 'use_container'], "only cwltool's destination names are extra");
});

test('every schema in schemas/ compiles and is the one the code loads', async () => {
  const files = (await readdir(path.dirname(schemaPath('conf')))).sort();
  assert.deepEqual(files, ['conf.schema.json', 'pod-env-vars.schema.json', 'pod-labels.schema.json', 'usage-report.schema.json']);
  for (const f of files) assert.ok(Array.isArray(await schemaProblems(f.replace('.schema.json', '') as 'conf', {})));
});

test('pod labels must be valid Kubernetes labels; env var names must not contain =', async () => {
  assert.deepEqual(await schemaProblems('pod-labels', { 'app.kubernetes.io/part-of': 'openeo', tier: 3, ok: true }), []);
  assert.match((await schemaProblems('pod-labels', { 'bad key!': 'x' })).join(), /bad key!/);
  assert.match((await schemaProblems('pod-labels', { k: 'has spaces' })).join(), /\/k: must match pattern/);
  assert.match((await schemaProblems('pod-labels', { k: 'x'.repeat(64) })).join(), /\/k: must NOT have more than 63 characters/);
  assert.deepEqual(await schemaProblems('pod-env-vars', { AWS_REGION: 'eu-central-1', N: 3 }), []);
  assert.match((await schemaProblems('pod-env-vars', { 'A=B': 'x' })).join(), /A=B/);
  assert.match((await schemaProblems('pod-env-vars', { A: { nested: 1 } })).join(), /\/A: must be string,number,boolean/);
});
