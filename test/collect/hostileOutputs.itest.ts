/**
 * Issue 19's routes to a host file through a step's outputs, each tried by a
 * hostile document against a canary file the engine never received, on the
 * local backend and in Docker: every one is refused with one ERROR line
 * naming the document and output, exit 1, nothing of the canary anywhere in
 * the output object or --outdir, and no hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertContained, bench, tool } from '../helpers/canary.js';

const IN_DOCKER = '  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}\n';
const BACKENDS = [['local', ''], ['Docker', IN_DOCKER]] as const;

/** Runs `doc` on the bench and checks the one-line refusal and that nothing leaked. */
async function refused(doc: string, pattern: RegExp, files: Record<string, string> = {}, ...more: string[]): Promise<void> {
  const b = await bench(files);
  const placed = (text: string): string => text.replaceAll('SECRET_REL', b.secret.slice(1)).replaceAll('SECRET', b.secret).replaceAll('DIR', b.dir);
  await writeFile(path.join(b.dir, 'doc.cwl'), placed(doc));
  const r = await b.run('doc.cwl', ...more.map(placed));
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('ERROR')).length, 1, r.stderr);
  assert.ok(!r.stdout.includes('not-for-your-eyes') && !r.stderr.includes('not-for-your-eyes'), 'the canary was printed');
  await assertContained(b.dir);
}

test('an ExpressionTool File whose path is missing cannot carry a host file in its location', () => refused(`cwlVersion: v1.2
class: ExpressionTool
requirements: {InlineJavascriptRequirement: {}}
inputs: []
outputs: {out: File}
expression: '$({"out": {"class": "File", "path": "/nonexistent/x", "location": "file://SECRET"}})'
`, /^ERROR doc\.cwl: output 'out': File \S*secret\.txt is outside/m));

for (const [backend, docker] of BACKENDS) {
  test(`${backend}: an outputEval File with a relative, scheme-less location full of ../ is resolved once and refused`, () => refused(
    tool(`  out:\n    type: File\n    outputBinding: {outputEval: '$({"class": "File", "location": "${'../'.repeat(12)}SECRET_REL"})'}`, 'true', docker),
    // In a container the path is the container's: it maps into the job's own /tmp, where nothing is.
    docker ? /^ERROR doc\.cwl: output 'out': output file \S*secret\.txt: not found/m : /^ERROR doc\.cwl: output 'out': File \S*secret\.txt is outside/m,
  ));

  test(`${backend}: a glob written with braces that expands to .. is refused after expansion`, () => refused(
    tool(`  out: {type: File, outputBinding: {glob: '${'{..,.}/'.repeat(6)}SECRET_REL'}}`, 'true', docker),
    /^ERROR doc\.cwl: output 'out': glob '\.\.\/.*' is outside the output directory/m,
  ));

  test(`${backend}: a glob of twenty brace groups is refused at once instead of expanding a million patterns`, () => refused(
    tool(`  out: {type: 'File[]', outputBinding: {glob: '${'{a,b}'.repeat(20)}'}}`, 'true', docker),
    /^ERROR doc\.cwl: output 'out': glob "(\{a,b\}){20}": it expands to more than 1024 patterns/m,
  ));

  test(`${backend}: an input secondaryFiles pattern cannot reach a host file with ../`, () => refused(`cwlVersion: v1.2
class: CommandLineTool
requirements:
  InlineJavascriptRequirement: {}
${docker}inputs:
  f: {type: File, secondaryFiles: [{pattern: '$("../secret.txt")', required: false}]}
baseCommand: [cat]
arguments: [$(inputs.f.path)]
stdout: out.txt
outputs: {out: stdout}
`, /^ERROR doc\.cwl: .*secondaryFiles pattern '\$\("\.\.\/secret\.txt"\)' of input\.txt names '\.\.\/secret\.txt', outside the primary file's directory/m, { 'input.txt': 'given\n' }, '--f', 'DIR/input.txt'));

  test(`${backend}: loadContents of a glob match that is a symlink the tool made is refused before anything is read`, () => refused(
    tool(`  out:\n    type: string\n    outputBinding: {glob: link.txt, loadContents: true, outputEval: '$(self[0].contents)'}`, 'ln -s SECRET link.txt', docker),
    /^ERROR doc\.cwl: output 'out': loadContents of \S*link\.txt \(it resolves to \S*secret\.txt\) is outside the step's output directory and its inputs/m,
  ));

  test(`${backend}: cwl.output.json that is a symlink to a host JSON file is refused`, () => refused(
    tool('  out: string', 'ln -s DIR/input.txt cwl.output.json', docker),
    /^ERROR doc\.cwl: output object \S*cwl\.output\.json \(it resolves to \S*input\.txt\) is outside the step's output directory/m,
    { 'input.txt': '{"out": "not-for-your-eyes"}' },
  ));

  test(`${backend}: cwl.output.json that is a symlink to /dev/zero is refused without reading it`, () => refused(
    tool('  out: string', 'ln -s /dev/zero cwl.output.json', docker),
    /^ERROR doc\.cwl: output object \S*cwl\.output\.json is a character device; only regular files and directories are read/m,
  ));

  test(`${backend}: a FIFO left as a File output is refused, not waited on`, () => refused(
    tool('  out: {type: File, outputBinding: {glob: fifo}}', 'mkfifo fifo', docker),
    /^ERROR doc\.cwl: output 'out': output file \S*fifo is a FIFO; only regular files and directories are read/m,
  ));


  test(`${backend}: an output Directory holding a symlink to itself is refused, not walked forever`, () => refused(
    tool('  out: {type: Directory, outputBinding: {glob: d}}', 'mkdir d && ln -s ../d d/again', docker),
    /^ERROR doc\.cwl: output 'out': symlink \S*d\/again leads back to \S*d, which holds it: a directory loop/m,
  ));
}

test('a cwl.output.json nested 100,000 deep is refused with one line, not a stack overflow', () => refused(
  tool('  out: string', `printf '{"out": ' > cwl.output.json; for i in $(seq 1000); do printf '${'['.repeat(100)}' >> cwl.output.json; done; for i in $(seq 1000); do printf '${']'.repeat(100)}' >> cwl.output.json; done; echo '}' >> cwl.output.json`),
  /^ERROR doc\.cwl: cwl\.output\.json nests arrays and objects more than 100 deep/m,
));

// In Docker a container has no CAP_MKNOD (test/backends/docker/confinement.test.ts); a host tool run as root does.
test('local: a device node the tool made is refused inside an output Directory', () => refused(
  tool('  out: {type: Directory, outputBinding: {glob: d}}', 'mkdir d && mknod d/zero c 1 5'),
  /^ERROR doc\.cwl: output 'out': output file \S*d\/zero is a character device/m,
));

test('$include of /dev/zero is refused without reading it, and so is $include of /proc/self/environ', async () => {
  for (const [target, why] of [['/dev/zero', /\/dev\/zero is a character device/], ['/proc/self/environ', /environ.* is one of the engine's own files/]] as const) {
    await refused(`cwlVersion: v1.2
class: CommandLineTool
inputs: []
baseCommand: echo
arguments: [{$include: ${target}}]
outputs: []
`, new RegExp(`^ERROR .*${why.source}`, 'm'));
  }
});
