/**
 * Remote inputs on the Kubernetes backend, on whichever cluster
 * BESPIN_TEST_CLUSTER names: the engine downloads (from a server on the
 * test's loopback, which no pod could reach) onto the tmpout claim, and the
 * step pods read the files from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withKubernetesRun as withCluster } from '../../helpers/kubernetesRun.js';
import { serveFiles } from '../../helpers/fileServer.js';
import { REMOTE_FILES, REMOTE_OUTPUT, remoteJob, writeRemoteWorkflow } from '../../helpers/remoteWorkflows.js';

test('a workflow whose job object names files on a loopback HTTP server runs as pods reading them from the tmpout claim', { timeout: 180_000 }, async () => {
  const server = await serveFiles(REMOTE_FILES);
  try {
    await withCluster(async ({ input, tmpout, run }) => {
      const wf = await writeRemoteWorkflow(input, server.url);
      await writeFile(path.join(input, 'job.json'), JSON.stringify(remoteJob(server.url)));
      const r = await run(['--leave-tmpdir', wf, path.join(input, 'job.json')]);
      assert.equal(r.code, 0, r.stderr);
      const outputs = JSON.parse(r.stdout) as { out: { path: string }; reads_back: { location: string } };
      assert.equal(await readFile(outputs.out.path, 'utf8'), REMOTE_OUTPUT);
      assert.equal(outputs.reads_back.location, `file://${path.join(tmpout, 'final', 'reads.txt')}`);
      assert.equal(r.record.podsCreated, 1);
      for (const p of Object.keys(REMOTE_FILES)) assert.equal(server.requests(p), 1, `${p} fetched once`);
      // The downloads are on the tmpout claim (the pod read them there: it has no route to the server).
      // (in the run's own directory there)
      const downloads = (await readdir(tmpout, { recursive: true })).filter((d) => path.basename(d).startsWith('download-'));
      assert.equal(downloads.length, 1, (await readdir(tmpout, { recursive: true })).join(' '));
      const names = await readdir(path.join(tmpout, downloads[0]!), { recursive: true });
      assert.ok(names.some((n) => n.endsWith('/reads.txt.idx')), names.join(' '));
    });
  } finally {
    await server.close();
  }
});

test('on Kubernetes too, a failed download is one line naming the URL, and no pod is created', { timeout: 180_000 }, async () => {
  const server = await serveFiles({});
  try {
    await withCluster(async ({ input, tmpout, run }) => {
      const wf = await writeRemoteWorkflow(input, server.url);
      await writeFile(path.join(input, 'job.json'), JSON.stringify(remoteJob(server.url)));
      const r = await run([wf, path.join(input, 'job.json')]);
      assert.equal(r.code, 1, r.stderr);
      const errors = r.stderr.split('\n').filter((l) => l.includes('ERROR'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, new RegExp(`^ERROR remote\\.cwl: input '\\w+': cannot download ${server.url}/data/\\S+: HTTP 404 Not Found$`));
      assert.equal(r.record.podsCreated, 0);
      assert.deepEqual((await readdir(tmpout, { recursive: true })).filter((d) => path.basename(d).startsWith('download-')), [], 'a failed run leaves no downloads');
    });
  } finally {
    await server.close();
  }
});
