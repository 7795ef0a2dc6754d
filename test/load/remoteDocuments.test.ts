import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadProcess } from '../../src/load/loadProcess.js';
import { runCli, scratch } from '../helpers/cli.js';

const DOCS: Record<string, string> = {
  '/tools/echo.cwl': `cwlVersion: v1.0
class: CommandLineTool
requirements:
  SchemaDefRequirement:
    types:
      - $import: ../types/greeting.yml
baseCommand: echo
inputs:
  greeting: {type: "../types/greeting.yml#Greeting", inputBinding: {position: 1}}
outputs:
  said: stdout
`,
  '/types/greeting.yml': `name: Greeting
type: enum
symbols: [hello, goodbye]
`,
  '/packed.cwl': `cwlVersion: v1.2
$graph:
  - id: shout
    class: CommandLineTool
    baseCommand: echo
    inputs:
      word: {type: string, inputBinding: {position: 1}}
    outputs:
      said: stdout
  - id: main
    class: Workflow
    inputs:
      word: string
    outputs:
      said: {type: File, outputSource: step/said}
    steps:
      step:
        run: "#shout"
        in: {word: word}
        out: [said]
`,
};

async function serve(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = DOCS[req.url ?? ''];
    if (body === undefined) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': 'text/yaml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

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
    const out = await scratch({});
    const r = await runCli(['--quiet', '--outdir', out, `${base}/tools/echo.cwl`, '--greeting', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).said.size, 6);
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
