/** Secrets through the CLI: masked in the logged command line, the --stderr file, error lines and a failed tool's log tail, in every quoted form. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { shellQuote } from '../../src/job/commandLine.js';

// A value with a quote, a double quote and a backslash: its shell-quoted and
// JSON-escaped forms differ from the raw one, so a mask that only looks for
// the raw value misses them.
const SECRET = `it's "hun\\ter2"`;

/** Every form the secret could be written in: raw, shell-quoted, JSON-escaped (and both). */
function forms(secret: string): string[] {
  const json = (s: string): string => JSON.stringify(s).slice(1, -1);
  return [secret, shellQuote(secret), json(secret), json(shellQuote(secret))];
}

function assertNoSecret(text: string, what: string): void {
  for (const form of forms(SECRET)) assert.ok(!text.includes(form), `${what} contains the secret as ${JSON.stringify(form)}:\n${text}`);
}

const HINTS = `cwlVersion: v1.2
class: CommandLineTool
$namespaces: {cwltool: 'http://commonwl.org/cwltool#'}
hints:
  cwltool:Secrets: {secrets: [pw]}
`;

const SHELL_TOOL = `${HINTS}requirements: {ShellCommandRequirement: {}}
inputs:
  pw: {type: string, inputBinding: {position: 1}}
arguments: [{valueFrom: 'echo', position: 0}]
outputs: {}
`;

const SECRET_COMMAND = `${HINTS}inputs:
  pw: {type: string, inputBinding: {position: 0}}
outputs: {}
`;

const TELLS_AND_FAILS = `${HINTS}inputs:
  pw: {type: string, inputBinding: {position: 1}}
baseCommand: [sh, -c, 'printf "the password is %s\\n" "$0" >&2; printf "said %s\\n" "$0"; exit 3']
outputs: {}
`;

for (const [format, ending] of [['text', '$'], ['json', '"']] as const) {
  test(`a secret with quotes is masked before the command line is shell-quoted for the log (--stderr file too), in --log-format ${format}`, async () => {
    const dir = await scratch({ 'tool.cwl': SHELL_TOOL });
    const file = path.join(dir, 'log.txt');
    const r = await runCli(['--debug', '--log-format', format, '--stderr', file, path.join(dir, 'tool.cwl'), '--pw', SECRET]);
    assert.equal(r.code, 0, r.stderr);
    // The line ends there in text; in JSON the message's closing quote follows.
    assert.match(r.stderr, new RegExp(`/bin/sh -c echo '\\(secret\\)'${ending}`, 'm'), 'the command line is logged with the placeholder, quoted as a word');
    assertNoSecret(r.stderr, 'stderr');
    assertNoSecret(await readFile(file, 'utf8'), 'the --stderr file');
  });
}

test("a secret used as the command's name is not in the \"command not found\" error line", async () => {
  const dir = await scratch({ 'tool.cwl': SECRET_COMMAND });
  const r = await runCli([path.join(dir, 'tool.cwl'), '--pw', SECRET]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR .*exited with code 127\n\(secret\): command not found$/m);
  assertNoSecret(r.stderr, 'stderr');
});

test("a tool that prints its secret and fails: neither its logged output nor the error's log tail shows it", async () => {
  const dir = await scratch({ 'tool.cwl': TELLS_AND_FAILS });
  const file = path.join(dir, 'log.txt');
  const r = await runCli(['--stderr', file, path.join(dir, 'tool.cwl'), '--pw', SECRET]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^ERROR .*exited with code 3\nthe password is \(secret\)$/m);
  assert.match(r.stderr, /said \(secret\)/, "the tool's stdout is logged, masked");
  assertNoSecret(r.stderr, 'stderr');
  assertNoSecret(await readFile(file, 'utf8'), 'the --stderr file');
  // --quiet quiets the engine, not the tool, whose lines go through a logger of their own.
  const quiet = await runCli(['--quiet', path.join(dir, 'tool.cwl'), '--pw', SECRET]);
  assert.match(quiet.stderr, /said \(secret\)/);
  assertNoSecret(quiet.stderr, 'stderr with --quiet');
});
