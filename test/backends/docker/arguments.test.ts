/**
 * The pure rules behind the Docker backend's arguments: which image names are
 * references, how a mount is quoted, which container paths are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandLineJob } from '../../../src/job/commandLineJob.js';
import type { StagingEntry } from '../../../src/job/staging.js';
import { PathMapper } from '../../../src/job/pathMapping.js';
import { ValidationError } from '../../../src/errors.js';
import { checkImages, isImageReference } from '../../../src/backends/docker/imageReference.js';
import { dockerRunArguments, mountOption } from '../../../src/backends/docker/runArguments.js';
import { checkContainerPaths, containerPathProblem } from '../../../src/backends/docker/containerPaths.js';

const HEX = 'fcd93e60ee40010a62eddb57efb229b98522a9780d173205520b07d945b9272f';

test('image references and IDs that Docker accepts are accepted', () => {
  for (const image of [
    'docker.io/python:3-slim', 'bash:4.4', 'localhost:5000/a/b:c', `debian@sha256:${HEX}`, 'docker.io/debian:stable-slim',
    'ubuntu@sha256:45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2', HEX, `sha256:${HEX}`, 'bespin-built-0a1b2c3d',
    'quay.io/biocontainers/samtools:1.9--h91753b0_8', '[::1]:5000/x:y', 'registry.example.com/a__b/c-d.e:E_1', `a/b:t@sha256:${HEX}`,
  ]) assert.ok(isImageReference(image), image);
});

test('anything else, and above all anything Docker would read as an option, is refused', () => {
  for (const image of [
    '--help', '--user=0:0', '-v', '', ' debian', 'debian ', 'debian --privileged', 'Debian:stable', 'debian:', ':tag', 'a//b', 'debian:-tag',
    'debian@sha256:abc', 'x\n', 'a;rm', `${'a'.repeat(256)}:1`, `debian:${'t'.repeat(129)}`, 'a/-b', 'a-/b', 'localhost:port/x',
  ]) assert.ok(!isImageReference(image), JSON.stringify(image));
});

test('checkImages names the field, the step and the value', () => {
  assert.throws(() => checkImages('debian:stable-slim', { dockerPull: 'debian:stable-slim', dockerImageId: '--user=0:0' }, 'wf.cwl/step'),
    (e: unknown) => e instanceof ValidationError && e.message.startsWith("wf.cwl/step: DockerRequirement dockerImageId '--user=0:0' is not a Docker image reference"));
  assert.doesNotThrow(() => checkImages('bash:4.4', { dockerPull: 'bash:4.4' }, 'x'));
});

test('mount fields holding a comma, a double quote or a newline are quoted as Go encoding/csv reads them', () => {
  assert.equal(mountOption({ source: '/in/a', target: '/var/lib/cwl/stg0/a', readonly: true }, 'x'), '--mount=type=bind,source=/in/a,target=/var/lib/cwl/stg0/a,readonly');
  assert.equal(mountOption({ source: '/in/f,type=volume,source=v', target: '/t', readonly: false }, 'x'), '--mount=type=bind,"source=/in/f,type=volume,source=v",target=/t');
  assert.equal(mountOption({ source: '/in/a "b",c', target: '/t/a "b"', readonly: false }, 'x'), '--mount=type=bind,"source=/in/a ""b"",c","target=/t/a ""b"""');
  assert.equal(mountOption({ source: '/in/a\nb', target: '/t', readonly: false }, 'x'), '--mount=type=bind,"source=/in/a\nb",target=/t');
  assert.throws(() => mountOption({ source: '/in/a\r\nb', target: '/t', readonly: false }, 'step'), /^ValidationError: step: cannot mount .*carriage return/);
});

test('docker run arguments end their options with -- before the image', () => {
  const args = dockerRunArguments({
    name: 'bespin-1', image: 'bash:4.4', argv: ['--version', '-c'], workdir: '/var/spool/cwl', user: '1:1', env: { HOME: '/var/spool/cwl' },
    mounts: [{ source: '/h/out', target: '/var/spool/cwl', readonly: false }], remove: true, network: false, readOnly: true, where: 'x',
  });
  assert.deepEqual(args, [
    'run', '-i', '--name=bespin-1', '--workdir=/var/spool/cwl', '--user=1:1', '--rm', '--network=none',
    '--security-opt=no-new-privileges', '--cap-drop=ALL', '--cap-add=CHOWN', '--cap-add=DAC_OVERRIDE', '--cap-add=FOWNER', '--cap-add=FSETID',
    '--cap-add=KILL', '--cap-add=SETGID', '--cap-add=SETUID', '--cap-add=NET_BIND_SERVICE', '--pids-limit=4096', '--read-only=true',
    '--mount=type=bind,source=/h/out,target=/var/spool/cwl', '--env=HOME=/var/spool/cwl', '--', 'bash:4.4', '--version', '-c',
  ]);
});

test('every container is confined; only --no-read-only leaves its image writable', () => {
  const base = { name: 'b', image: 'bash:4.4', argv: [], workdir: '/w', env: {}, mounts: [], remove: true, network: true, where: 'x' };
  const confined = dockerRunArguments({ ...base, readOnly: true });
  for (const flag of ['--security-opt=no-new-privileges', '--cap-drop=ALL', '--pids-limit=4096', '--read-only=true']) assert.ok(confined.includes(flag), flag);
  assert.ok(!confined.includes('--cap-add=MKNOD') && !confined.includes('--cap-add=NET_RAW'));
  const writable = dockerRunArguments({ ...base, readOnly: false });
  assert.ok(!writable.some((a) => a.startsWith('--read-only')));
  assert.ok(writable.includes('--cap-drop=ALL'));
});

test('container paths must be absolute and normalized', () => {
  assert.equal(containerPathProblem('/etc/app.conf'), undefined);
  assert.equal(containerPathProblem('/var/spool/cwl/dir/'), undefined);
  for (const p of ['etc', '', '/', '//x', '/a/./b', '/a/../b', '/a/..', '/a//']) assert.ok(containerPathProblem(p), JSON.stringify(p));
});

function job(outdir: string, targets: readonly string[], requirement: Record<string, unknown> = {}): CommandLineJob {
  const staging: StagingEntry[] = targets.map((target) => ({ kind: 'write', contents: '', target, writable: false }));
  const dirs = { hostOutdir: '/h/out', hostTmpdir: '/h/tmp', hostStageDir: '/h/stage' };
  const runtime = { outdir, tmpdir: '/tmp', cores: 1, ram: 1, outdirSize: 1, tmpdirSize: 1 };
  return {
    name: 'tool.cwl', argv: ['true'], words: [{ text: 'true', shellQuote: true }], shellCommand: false, env: {}, staging, stageRoot: '/var/lib/cwl', networkAccess: false, inputs: {},
    dirs, runtime, paths: PathMapper.forJob({ dirs, runtime, stageRoot: '/var/lib/cwl', staging }),
    container: { image: 'bash:4.4', requirement: { class: 'DockerRequirement', dockerPull: 'bash:4.4', ...requirement }, required: true },
    resources: {} as CommandLineJob['resources'],
  };
}

test("engine-named targets may hold any file name; document-named ones must be plain and leave the engine's paths alone", () => {
  assert.doesNotThrow(() => checkContainerPaths(job('/var/spool/cwl', [
    '/var/spool/cwl/a,b=c"d', '/var/lib/cwl/stg0/f,type=volume,source=v', '/etc/app.conf', '/tmp/x', '/tmp2j3y7rpb/input/stuff.txt',
  ])));
  assert.doesNotThrow(() => checkContainerPaths(job('/out', ['/out/x', '/var/spool/cwl'], { dockerOutputDirectory: '/out' })));
  assert.doesNotThrow(() => checkContainerPaths(job('/tmp/out', [], { dockerOutputDirectory: '/tmp/out' })));
  const refused: [string, readonly string[], RegExp][] = [
    ['/var/spool/cwl', ['/x,source=/,target=/hostroot'], /^tool\.cwl: cannot stage anything at '\/x,source=\/,target=\/hostroot' in the container: it must not contain ','/],
    ['/var/spool/cwl', ['/a=b'], /'\/a=b'/],
    ['/var/spool/cwl', ['/var/spool/cwl'], /it would replace the engine's output directory \/var\/spool\/cwl/],
    ['/var/spool/cwl', ['/var/spool/cwl/'], /it would replace the engine's output directory/],
    ['/var/spool/cwl', ['/var'], /it would contain the engine's output directory/],
    ['/var/spool/cwl', ['/tmp'], /it would replace the engine's tmpdir \/tmp/],
    ['/var/spool/cwl', ['/var/lib/cwl'], /it would replace the engine's staging directory \/var\/lib\/cwl/],
    ['/var/spool/cwl', ['/etc/../x'], /'\/etc\/\.\.\/x' in the container: it must be normalized/],
  ];
  for (const [outdir, targets, message] of refused) {
    assert.throws(() => checkContainerPaths(job(outdir, targets)), (e: unknown) => e instanceof ValidationError && message.test(e.message), targets.join(' '));
  }
});

test('dockerOutputDirectory must be an absolute, normalized, plain path apart from the engine\'s other directories', () => {
  for (const [outdir, message] of [
    ['/x,source=/,target=/hostroot', /must not contain/], ['out', /must be an absolute path/], ['/', /root directory/], ['/a/../b', /normalized/],
    ['/tmp', /must not be or contain the tmpdir/], ['/var', /staging directory/], ['/var/lib/cwl/out', /staging directory/],
  ] as const) {
    assert.throws(() => checkContainerPaths(job(outdir, [], { dockerOutputDirectory: outdir })),
      (e: unknown) => e instanceof ValidationError && e.message.startsWith(`tool.cwl: DockerRequirement dockerOutputDirectory '${outdir}' `) && message.test(e.message), outdir);
  }
});
