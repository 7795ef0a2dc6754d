import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProcess } from '../../src/load/loadProcess.js';
import { serve } from './remoteDocumentServer.js';

test('a tool is loaded over HTTP with its $import, and a v1.0 document is upgraded', async () => {
  const { server, base } = await serve();
  try {
    const tool = await loadProcess(`${base}/tools/echo.cwl`);
    assert.equal(tool.class, 'CommandLineTool');
    assert.equal(tool.originalVersion, 'v1.0');
    assert.equal(tool.cwlVersion, 'v1.2');
    assert.deepEqual(tool.inputs[0]!.type, { type: 'enum', symbols: ['hello', 'goodbye'], name: 'Greeting' });
    // v1.0 semantics kept through implied hints: network on, deep listings.
    assert.ok(tool.hints.some((h) => h.class === 'NetworkAccess' && h.networkAccess === true));
  } finally {
    server.close();
  }
});

test('a $graph document runs #main by default, and a missing document is a clear error', async () => {
  const { server, base } = await serve();
  try {
    const wf = await loadProcess(`${base}/packed.cwl`);
    assert.equal(wf.class, 'Workflow');
    const tool = await loadProcess(`${base}/packed.cwl#shout`);
    assert.equal(tool.class, 'CommandLineTool');
    await assert.rejects(loadProcess(`${base}/nothing.cwl`), /Cannot fetch .*nothing\.cwl: HTTP 404/);
    // A signed document URL's query is a credential: messages leave it out.
    await assert.rejects(loadProcess(`${base}/nothing.cwl?sig=s3cr3t`), (error: Error) => /Cannot fetch .*nothing\.cwl\?…: HTTP 404/.test(error.message) && !error.message.includes('s3cr3t'));
  } finally {
    server.close();
  }
});
