/** Documents served over HTTP on loopback, for loading by URL (remoteDocuments.test.ts and .itest.ts). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** A server on loopback answering each path of DOCS. */
export async function serve(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = DOCS[req.url ?? ''];
    if (body === undefined) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': 'text/yaml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
