/**
 * A document (or the file names it leads to) must not be able to add a
 * `docker run` option or a mount: each hole is shown with a tool that, if the
 * hole were open, would see the host's root inside its container.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch, type CliResult } from '../../helpers/cli.js';
import { assertRefused } from '../../helpers/refusal.js';

const IMAGE = 'docker.io/debian:stable-slim';
const TIMEOUT = { timeout: 120_000 };

/** A tool in `dir` whose stdout is its only output. */
function tool(requirements: string, command: string, inputs = '[]'): string {
  return `cwlVersion: v1.2
class: CommandLineTool
requirements:
${requirements}
baseCommand: [sh, -c]
arguments: [${JSON.stringify(command)}]
inputs: ${inputs}
outputs:
  out: stdout
stdout: out.txt
`;
}

/** A scratch directory with a marker file only a container seeing the host's root could list. */
async function withMarker(files: Record<string, string>): Promise<{ dir: string; marker: string }> {
  const dir = await scratch(files);
  const marker = `marker-${path.basename(dir)}`;
  await writeFile(path.join(dir, marker), '');
  return { dir, marker };
}

async function run(dir: string, args: readonly string[]): Promise<CliResult> {
  return runCli(['--quiet', '--outdir', path.join(dir, 'out'), ...args], { cwd: dir, timeoutMs: 110_000 });
}

async function stdoutOf(r: CliResult, dir: string): Promise<string> {
  const seen = await readFile(path.join(dir, 'out', 'out.txt'), 'utf8').catch(() => '');
  assert.equal(r.code, 0, `${r.stderr}\n${seen}`);
  return readFile(path.join(dir, 'out', 'out.txt'), 'utf8');
}

test('an absolute entryname cannot add mount fields (the host root at /hostroot)', TIMEOUT, async () => {
  const { dir } = await withMarker({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${IMAGE}}
  InitialWorkDirRequirement:
    listing:
      - {entryname: '/x,source=/,target=/hostroot', entry: 'x'}`, `ls /hostroot${dir}`));
  const r = await run(dir, [path.join(dir, 'tool.cwl')]);
  await assertRefused(r, dir, /^ERROR tool\.cwl: .*'\/x,source=\/,target=\/hostroot'/);
});

test('dockerOutputDirectory cannot add mount fields', TIMEOUT, async () => {
  const { dir } = await withMarker({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${IMAGE}, dockerOutputDirectory: '/x,source=/,target=/hostroot'}`, `ls /hostroot${dir}`));
  const r = await run(dir, [path.join(dir, 'tool.cwl')]);
  await assertRefused(r, dir, /^ERROR tool\.cwl: .*dockerOutputDirectory.*'\/x,source=\/,target=\/hostroot'/);
});

test('an input file whose name looks like mount fields is staged under that very name, not as a Docker volume', TIMEOUT, async () => {
  // A file name cannot hold '/', but `type=volume,source=NAME` needs none to reach any named volume on the host.
  // File names are not the document's to refuse (an upstream step may have made them): they are quoted.
  const volume = `bespin-test-${Date.now().toString(36)}`;
  execFileSync('docker', ['volume', 'create', volume]);
  try {
    execFileSync('docker', ['run', '--rm', `--mount=type=volume,source=${volume},target=/v`, '--', IMAGE, 'sh', '-c', 'echo secret > /v/secret']);
    const name = `f,type=volume,source=${volume}`;
    const { dir } = await withMarker({ [name]: 'contents\n' });
    await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${IMAGE}}`,
      'v=`dirname "$0"`/f; test ! -e "$v" || { echo "the volume is mounted at $v:"; cat "$v/secret"; exit 3; }; cat "$0"; basename "$0"', '{f: {type: File, inputBinding: {position: 1}}}'));
    const r = await run(dir, [path.join(dir, 'tool.cwl'), '--f', path.join(dir, name)]);
    assert.equal(await stdoutOf(r, dir), `contents\n${name}\n`);
  } finally {
    execFileSync('docker', ['volume', 'rm', '--force', volume]);
  }
});

test('an input file whose name has double quotes and commas is staged', TIMEOUT, async () => {
  const name = 'a "b",c.txt';
  const { dir } = await withMarker({ [name]: 'quoted\n' });
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${IMAGE}}`, 'cat "$0"', '{f: {type: File, inputBinding: {position: 1}}}'));
  const r = await run(dir, [path.join(dir, 'tool.cwl'), '--f', path.join(dir, name)]);
  assert.equal(await stdoutOf(r, dir), 'quoted\n');
});

test('dockerImageId cannot be a docker run option (dockerLoad)', TIMEOUT, async () => {
  const { dir } = await withMarker({});
  // Any loadable image will do: the injected option makes the command's first word the image.
  // A one-file image made here, so the test needs no image another suite builds.
  await writeFile(path.join(dir, 'marker'), 'not an image of any use\n');
  execFileSync('tar', ['-c', '-f', path.join(dir, 'rootfs.tar'), '-C', dir, 'marker']);
  execFileSync('docker', ['import', path.join(dir, 'rootfs.tar'), 'bespin/injection-probe:test']);
  execFileSync('docker', ['save', '--output', path.join(dir, 'image.tar'), 'bespin/injection-probe:test']);
  await writeFile(path.join(dir, 'tool.cwl'), `cwlVersion: v1.2
class: CommandLineTool
requirements:
  DockerRequirement: {dockerLoad: image.tar, dockerImageId: '--user=0:0'}
baseCommand: [${IMAGE}, id, -u]
inputs: []
outputs:
  out: stdout
stdout: out.txt
`);
  const r = await run(dir, [path.join(dir, 'tool.cwl')]);
  await assertRefused(r, dir, /^ERROR tool\.cwl: .*'--user=0:0'/);
});

test('dockerPull cannot be a docker option', TIMEOUT, async () => {
  const { dir } = await withMarker({});
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: '--help'}`, 'echo ran'));
  const r = await run(dir, [path.join(dir, 'tool.cwl')]);
  await assertRefused(r, dir, /^ERROR tool\.cwl: .*'--help'/);
});

for (const entryname of ['/var/spool/cwl', '/var/spool', '/tmp', '/var/lib/cwl', '/var', '/etc/../hostroot', '/etc/./x', '//x']) {
  test(`an absolute entryname ${entryname} that would replace or hide the engine's paths, or is not normalized, is refused`, TIMEOUT, async () => {
    const { dir } = await withMarker({});
    await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${IMAGE}}
  InitialWorkDirRequirement:
    listing:
      - {entryname: '${entryname}', entry: 'x'}`, 'echo ran'));
    const r = await run(dir, [path.join(dir, 'tool.cwl')]);
    await assertRefused(r, dir, new RegExp(`^ERROR tool\\.cwl: .*'${entryname.replaceAll('.', '\\.')}'`));
  });
}

for (const outdir of ['/tmp', '/var/lib/cwl', '/var', '/', 'out', '/out/../x']) {
  test(`dockerOutputDirectory ${outdir} is refused`, TIMEOUT, async () => {
    const { dir } = await withMarker({});
    await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${IMAGE}, dockerOutputDirectory: '${outdir}'}`, 'echo ran'));
    const r = await run(dir, [path.join(dir, 'tool.cwl')]);
    await assertRefused(r, dir, new RegExp(`^ERROR tool\\.cwl: .*dockerOutputDirectory '${outdir.replaceAll('.', '\\.')}'`));
  });
}

test('legitimate values still work: an absolute entryname, dockerOutputDirectory /out, an image by ID', TIMEOUT, async () => {
  const { dir } = await withMarker({});
  const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGE], { encoding: 'utf8' }).trim();
  await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerImageId: '${id}', dockerOutputDirectory: /out}
  InitialWorkDirRequirement:
    listing:
      - {entryname: /etc/app.conf, entry: "setting=1\\n"}`, 'cat /etc/app.conf; pwd'));
  const r = await run(dir, [path.join(dir, 'tool.cwl')]);
  assert.equal(await stdoutOf(r, dir), 'setting=1\n/out\n');
});

for (const image of ['docker.io/python:3-slim', 'bash:4.4', 'alpine:latest']) {
  test(`image ${image} still runs`, TIMEOUT, async () => {
    const { dir } = await withMarker({});
    await writeFile(path.join(dir, 'tool.cwl'), tool(`  DockerRequirement: {dockerPull: ${image}}`, 'echo ran'));
    assert.equal(await stdoutOf(await run(dir, [path.join(dir, 'tool.cwl')]), dir), 'ran\n');
  });
}
