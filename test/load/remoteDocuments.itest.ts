import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch } from '../helpers/cli.js';
import { serve } from './remoteDocumentServer.js';

test('the CLI runs a tool loaded over HTTP with its $import, upgraded from v1.0', async () => {
  const { server, base } = await serve();
  try {
    const out = await scratch({});
    const r = await runCli(['--quiet', '--outdir', out, `${base}/tools/echo.cwl`, '--greeting', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).said.size, 6);
  } finally {
    server.close();
  }
});
