/**
 * Remote inputs end to end on the local backend (host processes and Docker):
 * bespin as a child process, the files on a real HTTP(S) server on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../helpers/cli.js';
import { endless, selfSignedCertificate, serveFiles, stall, type FileServer } from '../helpers/fileServer.js';
import { assertShorterThan, sleepingRun } from '../helpers/sleepingRun.js';
import { CAT_TOOL, REMOTE_FILES, REMOTE_OUTPUT, remoteJob, sharedDefaultScatter, writeRemoteWorkflow } from '../helpers/remoteWorkflows.js';

interface OutputFile { location: string; path: string; basename: string; size: number; checksum?: string; secondaryFiles?: OutputFile[] }

async function withServer(routes: Parameters<typeof serveFiles>[0], work: (server: FileServer) => Promise<void>): Promise<void> {
  const server = await serveFiles(routes);
  try {
    await work(server);
  } finally {
    await server.close();
  }
}

/** Runs the remote workflow; `extra` are engine options. */
async function runRemoteWorkflow(server: FileServer, extra: string[]): Promise<{ result: CliResult; dir: string }> {
  const dir = await scratch({});
  const wf = await writeRemoteWorkflow(dir, server.url);
  await writeFile(path.join(dir, 'job.json'), JSON.stringify(remoteJob(server.url)));
  const result = await runCli([...extra, '--quiet', '--outdir', path.join(dir, 'out'), '--tmp-outdir-prefix', path.join(dir, 'tmp', 'out-'),
    '--tmpdir-prefix', path.join(dir, 'tmp', 'tmp-'), wf, path.join(dir, 'job.json')], { timeoutMs: 120_000 });
  return { result, dir };
}

async function checkRemoteWorkflow(server: FileServer, extra: string[]): Promise<void> {
  const { result, dir } = await runRemoteWorkflow(server, extra);
  assert.equal(result.code, 0, result.stderr);
  const outputs = JSON.parse(result.stdout) as { out: OutputFile; reads_back: OutputFile };
  assert.equal(await readFile(outputs.out.path, 'utf8'), REMOTE_OUTPUT);
  assert.equal(outputs.out.checksum, 'sha1$' + (await import('node:crypto')).createHash('sha1').update(REMOTE_OUTPUT).digest('hex'));
  // An input passed through is a copy in --outdir, as cwltool's tools pass one: never the URL.
  const out = path.join(dir, 'out');
  assert.equal(outputs.reads_back.location, `file://${out}/reads.txt`);
  assert.equal(await readFile(outputs.reads_back.path, 'utf8'), 'reads\n');
  assert.deepEqual(outputs.reads_back.secondaryFiles?.map((s) => s.location), [`file://${out}/reads.txt.idx`]);
  for (const p of Object.keys(REMOTE_FILES)) assert.equal(server.requests(p), 1, `${p} fetched once`);
  assert.deepEqual(await readdir(path.join(dir, 'tmp')), [], 'downloads are removed with the run\'s other scratch directories');
}

test('a workflow whose job object and defaults name files on a loopback HTTP server runs as host processes', { timeout: 120_000 }, async () => {
  await withServer(REMOTE_FILES, (server) => checkRemoteWorkflow(server, ['--no-container']));
});

test('the same workflow runs in Docker containers', { timeout: 180_000 }, async () => {
  await withServer(REMOTE_FILES, (server) => checkRemoteWorkflow(server, []));
});

test('with --leave-tmpdir the downloads stay, under --tmp-outdir-prefix, named from the URL or the given basename', { timeout: 120_000 }, async () => {
  await withServer(REMOTE_FILES, async (server) => {
    const { result, dir } = await runRemoteWorkflow(server, ['--no-container', '--leave-tmpdir']);
    assert.equal(result.code, 0, result.stderr);
    const downloads = (await readdir(path.join(dir, 'tmp'))).filter((d) => d.startsWith('out-download-'));
    assert.equal(downloads.length, 1, 'one downloads directory per run, made from --tmp-outdir-prefix');
    const names = await readdir(path.join(dir, 'tmp', downloads[0]!), { recursive: true });
    for (const name of ['reads.txt', 'reads.txt.idx', 'b1.txt', 'get', 'extra.txt']) assert.ok(names.some((n) => n.endsWith(`/${name}`)), `${name} in ${names.join(' ')}`);
  });
});

/** A run that must fail with one ERROR line naming `url`, exit code 1 (cwltool's for an input it cannot fetch), and no stack trace. */
async function expectOneLine(result: CliResult, url: string, reason: RegExp): Promise<void> {
  assert.equal(result.code, 1, result.stderr);
  const errors = result.stderr.split('\n').filter((l) => l.includes('ERROR'));
  assert.equal(errors.length, 1, result.stderr);
  assert.ok(errors[0]!.startsWith(`ERROR cat.cwl: input 'f': cannot download ${url}: `), errors[0]);
  assert.match(errors[0]!, reason);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

async function runCat(server: FileServer, route: string, extra: string[] = [], env?: NodeJS.ProcessEnv): Promise<{ result: CliResult; dir: string }> {
  const dir = await scratch({ 'cat.cwl': CAT_TOOL, 'job.json': JSON.stringify({ f: { class: 'File', location: `${server.url}${route}` } }) });
  const result = await runCli([...extra, '--quiet', '--no-container', '--outdir', path.join(dir, 'out'), '--tmp-outdir-prefix', path.join(dir, 'tmp', 'o-'),
    path.join(dir, 'cat.cwl'), path.join(dir, 'job.json')], { timeoutMs: 60_000, ...(env ? { env: { ...process.env, ...env } } : {}) });
  return { result, dir };
}

test('a 404 fails with one line naming the URL and the status', async () => {
  await withServer({}, async (server) => {
    const { result } = await runCat(server, '/missing.txt');
    await expectOneLine(result, `${server.url}/missing.txt`, /HTTP 404 Not Found$/);
  });
});

test('a download past --download-timeout fails with one line naming the URL, and leaves no partial file', async () => {
  await withServer({ '/slow.txt': stall }, async (server) => {
    const [{ result, dir }, sleeping] = await Promise.all([runCat(server, '/slow.txt', ['--download-timeout', '1']), sleepingRun(4)]);
    await expectOneLine(result, `${server.url}/slow.txt`, /not finished within 1 s/);
    assertShorterThan(result, sleeping, 'ended by the 1 s --download-timeout');
    assert.deepEqual(await readdir(path.join(dir, 'tmp')), []);
  });
});

test('a body past the size limit (BESPIN_MAX_DOWNLOAD_BYTES) fails with one line naming the URL, and leaves no partial file', async () => {
  await withServer({ '/huge.bin': endless }, async (server) => {
    const { result, dir } = await runCat(server, '/huge.bin', [], { BESPIN_MAX_DOWNLOAD_BYTES: '1Mi' });
    await expectOneLine(result, `${server.url}/huge.bin`, /the body is larger than the 1 MiB limit \(--max-download-size or BESPIN_MAX_DOWNLOAD_BYTES\)$/);
    assert.deepEqual(await readdir(path.join(dir, 'tmp')), []);
  });
});

test('the same URL in a 20-way scatter is downloaded once, by concurrent elements sharing one download', { timeout: 120_000 }, async () => {
  // A slow answer: all twenty elements ask while the one download is under way.
  const slowShared = (res: import('node:http').ServerResponse): void => {
    setTimeout(() => res.writeHead(200, { 'content-length': 7 }).end('shared\n'), 300);
  };
  await withServer({ '/shared.txt': slowShared }, async (server) => {
    const dir = await scratch({ 'wf.cwl': sharedDefaultScatter(server.url) });
    const n = Array.from({ length: 20 }, (_, i) => i);
    const result = await runCli(['--quiet', '--no-container', '--outdir', path.join(dir, 'out'), path.join(dir, 'wf.cwl'), ...n.flatMap((i) => ['--n', String(i)])], { timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    const said = (JSON.parse(result.stdout) as { said: OutputFile[] }).said;
    assert.deepEqual(await Promise.all(said.map((f) => readFile(f.path, 'utf8'))), n.map((i) => `${i} shared\n`));
    assert.equal(server.requests('/shared.txt'), 1);
  });
});

test('https: a self-signed server is trusted through NODE_EXTRA_CA_CERTS, and refused with one clear line without it', { timeout: 60_000 }, async () => {
  const tls = await selfSignedCertificate();
  const server = await serveFiles({ '/secure.txt': 'over tls\n' }, tls);
  try {
    const trusted = await runCat(server, '/secure.txt', [], { NODE_EXTRA_CA_CERTS: tls.certFile });
    assert.equal(trusted.result.code, 0, trusted.result.stderr);
    const out = (JSON.parse(trusted.result.stdout) as { out: OutputFile }).out;
    assert.equal(await readFile(out.path, 'utf8'), 'over tls\n');
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const refused = await runCat(server, '/secure.txt', [], env);
    await expectOneLine(refused.result, `${server.url}/secure.txt`, /certificate is not trusted \([A-Z_]+\); name its CA in NODE_EXTRA_CA_CERTS$/);
  } finally {
    await server.close();
  }
});

test('a required secondary file missing beside the URL fails naming it and the URL; an optional one is skipped', async () => {
  await withServer({ '/r.txt': 'r\n' }, async (server) => {
    const tool = CAT_TOOL.replace('f: {type: File,', 'f: {type: File, secondaryFiles: [{pattern: .opt, required: false}, .idx],');
    const dir = await scratch({ 'cat.cwl': tool, 'job.json': JSON.stringify({ f: { class: 'File', location: `${server.url}/r.txt` } }) });
    const result = await runCli(['--quiet', '--no-container', '--outdir', path.join(dir, 'out'), path.join(dir, 'cat.cwl'), path.join(dir, 'job.json')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`ERROR cat\\.cwl: input 'f': missing required secondary file 'r\\.txt\\.idx' \\(pattern '\\.idx'\\) of ${server.url}/r\\.txt\\n`));
    assert.equal(server.requests('/r.txt.opt'), 1, 'the optional one was looked for at its URL');
  });
});

test('a file:// location is read where it is, not downloaded', async () => {
  const dir = await scratch({ 'cat.cwl': CAT_TOOL, 'local.txt': 'local bytes\n' });
  await writeFile(path.join(dir, 'job.json'), JSON.stringify({ f: { class: 'File', location: `file://${path.join(dir, 'local.txt')}` } }));
  const result = await runCli(['--quiet', '--no-container', '--outdir', path.join(dir, 'out'), '--tmp-outdir-prefix', path.join(dir, 'tmp', 'o-'),
    path.join(dir, 'cat.cwl'), path.join(dir, 'job.json')]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await readFile((JSON.parse(result.stdout) as { out: OutputFile }).out.path, 'utf8'), 'local bytes\n');
  assert.deepEqual(await readdir(path.join(dir, 'tmp')), []);
});

test('a remote Directory without a listing is refused, named: HTTP cannot list it', async () => {
  await withServer({}, async (server) => {
    const tool = CAT_TOOL.replace('f: {type: File', 'f: {type: Directory');
    const dir = await scratch({ 'cat.cwl': tool, 'job.json': JSON.stringify({ f: { class: 'Directory', location: `${server.url}/dir/` } }) });
    const result = await runCli(['--quiet', '--no-container', '--outdir', path.join(dir, 'out'), path.join(dir, 'cat.cwl'), path.join(dir, 'job.json')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`ERROR cat\\.cwl: input 'f': cannot download the Directory ${server.url}/dir/: HTTP cannot list it; give its listing\\n`));
  });
});
