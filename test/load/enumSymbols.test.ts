/**
 * Enum symbols written as full IRIs without a `#` (the OGC CRS names) are
 * known by their last path segment, so a job gives `crs: CRS84`, as with cwltool.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProcess } from '../../src/load/loadProcess.js';
import { matchesType } from '../../src/model/typeMatch.js';
import type { EnumType } from '../../src/model/types.js';

test('path-style IRI symbols load as their short names, which a job value matches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bespin-enum-'));
  const file = join(dir, 'crs.cwl');
  writeFileSync(file, [
    'cwlVersion: v1.2',
    'class: CommandLineTool',
    'baseCommand: echo',
    'inputs:',
    '  crs:',
    '    type:',
    '      type: enum',
    '      symbols:',
    '        - http://www.opengis.net/def/crs/OGC/1.3/CRS84',
    '        - http://www.opengis.net/def/crs/EPSG/0/4326',
    '    inputBinding: {position: 1}',
    'outputs: []',
  ].join('\n'));
  const tool = await loadProcess(file);
  const type = tool.inputs[0]?.type as EnumType;
  assert.deepEqual(type.symbols, ['CRS84', '4326']);
  assert.ok(matchesType(type, 'CRS84'));
  assert.ok(!matchesType(type, 'OGC/1.3/CRS84'));
});
