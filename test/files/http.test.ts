/**
 * downloadToFile against a real server on loopback: streamed to disk, each
 * failure a DownloadError naming the URL, and no partial file left behind.
 * readHttpText (documents): held in memory, so refused past its bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DownloadError, displayUrl, downloadToFile, readHttpText } from '../../src/files/http.js';
import { timersFiredBefore } from '../helpers/eventOrder.js';
import { endless, serveFiles, stall } from '../helpers/fileServer.js';

const LIMITS = { maxBytes: 1024 * 1024, timeoutMs: 5_000 };

async function emptyDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'bespin-download-'));
}

test('a body is streamed into the target file, byte for byte', async () => {
  const body = 'x'.repeat(300_000) + 'end\n';
  const server = await serveFiles({ '/data.bin': body });
  try {
    const dir = await emptyDir();
    const bytes = await downloadToFile(`${server.url}/data.bin`, path.join(dir, 'data.bin'), LIMITS);
    assert.equal(bytes, Buffer.byteLength(body));
    assert.equal(await readFile(path.join(dir, 'data.bin'), 'utf8'), body);
  } finally {
    await server.close();
  }
});

test('an HTTP error status fails naming the URL and the status, and writes nothing', async () => {
  const server = await serveFiles({});
  try {
    const dir = await emptyDir();
    await assert.rejects(downloadToFile(`${server.url}/missing.txt`, path.join(dir, 'm'), LIMITS), (error: unknown) => {
      assert.ok(error instanceof DownloadError);
      assert.deepEqual(error.failure, { kind: 'status', status: 404 });
      assert.equal(error.message, `cannot download ${server.url}/missing.txt: HTTP 404 Not Found`);
      assert.equal(error.exitCode, 1);
      return true;
    });
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await server.close();
  }
});

test("a signed URL's query and a password never reach a message: they are credentials", async () => {
  assert.equal(displayUrl('https://bucket.example/a/b.tif?X-Amz-Signature=abc&X-Amz-Credential=k'), 'https://bucket.example/a/b.tif?…');
  assert.equal(displayUrl('https://user:secret@host.example/f'), 'https://user:***@host.example/f');
  const server = await serveFiles({});
  try {
    await assert.rejects(downloadToFile(`${server.url}/missing.txt?token=s3cr3t`, path.join(await emptyDir(), 'm'), LIMITS), (error: unknown) => {
      assert.ok(error instanceof DownloadError);
      assert.equal(error.message, `cannot download ${server.url}/missing.txt?…: HTTP 404 Not Found`);
      assert.ok(!error.message.includes('s3cr3t'));
      return true;
    });
  } finally {
    await server.close();
  }
});

test('a stalled body is cut at the time limit and its partial file removed', async () => {
  const server = await serveFiles({ '/slow': stall });
  try {
    const dir = await emptyDir();
    const download = downloadToFile(`${server.url}/slow`, path.join(dir, 'slow'), { ...LIMITS, timeoutMs: 500 });
    // The limit is a timer of this thread, like this one (helpers/eventOrder.ts).
    const fired = timersFiredBefore(download, [3_000]);
    await assert.rejects(download, (error: unknown) => {
      assert.ok(error instanceof DownloadError);
      assert.equal(error.failure.kind, 'timeout');
      assert.match(error.message, /^cannot download http:\/\/127\.0\.0\.1:\d+\/slow: not finished within 0\.5 s .*--download-timeout or BESPIN_DOWNLOAD_TIMEOUT/);
      return true;
    });
    assert.deepEqual(await fired, [false], 'cut after a timer of 6 times the limit had fired');
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await server.close();
  }
});

test('an endless body is cut at the size limit, never held in memory, and its partial file removed', { timeout: 120_000 }, async () => {
  const server = await serveFiles({ '/endless': endless });
  try {
    const dir = await emptyDir();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    try {
      await assert.rejects(downloadToFile(`${server.url}/endless`, path.join(dir, 'e'), { maxBytes: 512 * 2 ** 20, timeoutMs: 60_000 }), (error: unknown) => {
        assert.ok(error instanceof DownloadError);
        assert.equal(error.failure.kind, 'too-large');
        assert.match(error.message, /: the body is larger than the 512 MiB limit \(--max-download-size or BESPIN_MAX_DOWNLOAD_BYTES\)$/);
        return true;
      });
    } finally {
      clearInterval(sampler);
    }
    assert.ok(peak - before < 256 * 2 ** 20, `a 512 MiB body passed through without being buffered (peak growth ${Math.round((peak - before) / 2 ** 20)} MiB)`);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await server.close();
  }
});

test('a declared Content-Length over the limit is refused before the body is read', async () => {
  const server = await serveFiles({ '/big': 'y'.repeat(4096) });
  try {
    const dir = await emptyDir();
    await assert.rejects(downloadToFile(`${server.url}/big`, path.join(dir, 'b'), { ...LIMITS, maxBytes: 1000 }),
      /cannot download http:\/\/127\.0\.0\.1:\d+\/big: the body is 4 KiB, more than the 1000 bytes limit/);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await server.close();
  }
});

test('a refused connection fails naming the URL', async () => {
  // A port that was free a moment ago, and is closed now.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dir = await emptyDir();
  await assert.rejects(downloadToFile(`http://127.0.0.1:${port}/x`, path.join(dir, 'x'), LIMITS),
    new RegExp(`^DownloadError: cannot download http://127\\.0\\.0\\.1:${port}/x: connection refused$`));
  await assert.rejects(stat(path.join(dir, 'x')));
});

test('a target that already exists is an error, and is left as it was', async () => {
  const server = await serveFiles({ '/a.txt': 'new\n' });
  try {
    const dir = await emptyDir();
    await writeFile(path.join(dir, 'a.txt'), 'old\n');
    await assert.rejects(downloadToFile(`${server.url}/a.txt`, path.join(dir, 'a.txt'), LIMITS), /EEXIST/);
    assert.equal(await readFile(path.join(dir, 'a.txt'), 'utf8'), 'old\n');
  } finally {
    await server.close();
  }
});

test('cancelling ends a download with the signal\'s reason', async () => {
  const server = await serveFiles({ '/slow': stall });
  try {
    const dir = await emptyDir();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 100);
    await assert.rejects(downloadToFile(`${server.url}/slow`, path.join(dir, 's'), LIMITS, controller.signal), /cancelled by test/);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await server.close();
  }
});

test('a document read over HTTP is refused past its bound: by Content-Length before the body, else by the bytes received', async () => {
  const server = await serveFiles({ '/doc.cwl': 'z'.repeat(4096), '/endless': endless });
  const tooLarge = (shown: string, size?: number): Error => new Error(`${shown}: ${size === undefined ? 'grew past' : `declared ${size}`}`);
  try {
    assert.equal((await readHttpText(`${server.url}/doc.cwl`)).length, 4096);
    assert.equal((await readHttpText(`${server.url}/doc.cwl`, { maxBytes: 4096, tooLarge })).length, 4096);
    await assert.rejects(readHttpText(`${server.url}/doc.cwl`, { maxBytes: 4095, tooLarge }), /\/doc\.cwl: declared 4096$/);
    await assert.rejects(readHttpText(`${server.url}/endless`, { maxBytes: 2 ** 20, tooLarge }), /\/endless: grew past$/);
    await assert.rejects(readHttpText(`${server.url}/missing.cwl?sig=s3cr3t`), (error: Error) => /^Cannot fetch http:\/\/127\.0\.0\.1:\d+\/missing\.cwl\?…: HTTP 404/.test(error.message) && !error.message.includes('s3cr3t'));
  } finally {
    await server.close();
  }
});
