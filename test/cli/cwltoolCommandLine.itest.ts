import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';
import { outputObject, runBoth, runCwltool } from '../helpers/cwltool.js';

/**
 * Command lines written for cwltool 3.3 (or Calrissian), run on bespin as a
 * drop-in: CWLTOOL_OPTIONS, --validate with a job, a job file naming its
 * tool, --non-strict, conf keys Calrissian ignores, and where the warnings
 * about the command line go. Where cheap, cwltool itself is run alongside.
 */

const TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  message: {type: string, inputBinding: {position: 1}}
outputs:
  text: {type: string, outputBinding: {glob: out.txt, loadContents: true, outputEval: '$(self[0].contents)'}}
  out: stdout
stdout: out.txt
`;

const FILES = {
  'tool.cwl': TOOL,
  'job.yml': 'message: from-job\n',
  'bad.yml': 'message: [1, 2]\n',
  'missing-input.yml': 'other: 1\n',
  'with-tool.yml': 'cwl:tool: tool.cwl\nmessage: named-the-tool\n',
  // A field no CWL version names, on the tool and on a workflow's step.
  'odd-tool.cwl': `${TOOL}unknownField: 42\n`,
  'odd-wf.cwl': `cwlVersion: v1.2
class: Workflow
inputs: {message: string}
outputs:
  text: {type: string, outputSource: s/text}
steps:
  s:
    run: tool.cwl
    in: {message: message}
    out: [text]
    bogusStepField: 1
`,
};

test('CWLTOOL_OPTIONS: its words go before the command line, which overrides them, as in cwltool', async () => {
  const dir = await scratch(FILES);
  const env = (who: string): NodeJS.ProcessEnv => ({ ...process.env, CWLTOOL_OPTIONS: ` --outdir  env-${who} --quiet ` });
  const [bespin, cwltool] = await Promise.all([
    runCli(['tool.cwl', 'job.yml'], { cwd: dir, env: env('bespin') }),
    runCwltool(['tool.cwl', 'job.yml'], { cwd: dir, env: env('cwltool') }),
  ]);
  assert.equal(bespin.code, 0, bespin.stderr);
  assert.equal(cwltool.code, 0, cwltool.stderr);
  assert.deepEqual(outputObject(bespin), outputObject(cwltool));
  assert.equal(await readFile(path.join(dir, 'env-bespin', 'out.txt'), 'utf8'), 'from-job\n');
  // --quiet came from the variable: no INFO lines.
  assert.doesNotMatch(bespin.stderr, /INFO/);
  const later = await runCli(['--outdir', 'argv-out', 'tool.cwl', 'job.yml'], { cwd: dir, env: env('bespin') });
  assert.equal(later.code, 0, later.stderr);
  assert.equal(await readFile(path.join(dir, 'argv-out', 'out.txt'), 'utf8'), 'from-job\n');
});

test('--validate with a job checks the job too: cwltool\'s message when it fits, exit 1 when it does not or is missing', async () => {
  const dir = await scratch(FILES);
  const cases: Array<{ args: string[]; code: number; stdout?: string }> = [
    { args: ['tool.cwl'], code: 0, stdout: 'tool.cwl is valid CWL.\n' },
    { args: ['tool.cwl', 'job.yml'], code: 0, stdout: 'tool.cwl is valid CWL. No errors detected in the inputs.\n' },
    { args: ['tool.cwl', '--message', 'hi'], code: 0, stdout: 'tool.cwl is valid CWL. No errors detected in the inputs.\n' },
    { args: ['tool.cwl', 'bad.yml'], code: 1 },
    { args: ['tool.cwl', 'missing-input.yml'], code: 1 },
    { args: ['tool.cwl', 'no-such-job.yml'], code: 1 },
  ];
  for (const c of cases) {
    const [bespin, cwltool] = await Promise.all([runCli(['--validate', ...c.args], { cwd: dir }), runCwltool(['--validate', ...c.args], { cwd: dir })]);
    const line = c.args.join(' ');
    assert.equal(cwltool.code, c.code, `cwltool --validate ${line}: ${cwltool.stdout}`);
    assert.equal(bespin.code, c.code, `bespin --validate ${line}: ${bespin.stderr}`);
    // cwltool logs to stdout under --validate; its verdict is the last line there.
    if (c.stdout !== undefined) assert.ok(cwltool.stdout.endsWith(c.stdout), cwltool.stdout);
    assert.equal(bespin.stdout, c.stdout ?? '', line);
    if (c.code !== 0) assert.match(bespin.stderr, /^ERROR .*(bad\.yml|missing-input\.yml|no-such-job\.yml|message)/m, line);
  }
});

test('conf keys Calrissian ignores (version, cwltool-only ones) run with one warning naming them', async () => {
  const dir = await scratch({ ...FILES, 'conf.json': JSON.stringify({ version: false, no_such_key: 1, pull_image: false }) });
  const r = await runCli(['--conf', 'conf.json', '--outdir', 'out', 'tool.cwl', 'job.yml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((outputObject(r) as { text: string }).text, 'from-job\n');
  assert.deepEqual(r.stderr.split('\n').filter((l) => l.includes('conf.json')), ['WARNING conf file conf.json: ignoring keys bespin does not use: version, no_such_key']);
});

test('warnings about the command line (ignored peer options, conf keys) are in the --stderr file too', async () => {
  const dir = await scratch({ ...FILES, 'conf.json': JSON.stringify({ version: false }) });
  const r = await runCli(['--stderr', 'err.log', '--js-console', '--conf', 'conf.json', '--outdir', 'out', 'tool.cwl', 'job.yml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const warnings = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('WARNING'));
  const expected = [
    "WARNING --js-console is ignored: bespin does not show expressions' console output",
    'WARNING conf file conf.json: ignoring a key bespin does not use: version',
  ];
  assert.deepEqual(warnings(r.stderr), expected);
  assert.deepEqual(warnings(await readFile(path.join(dir, 'err.log'), 'utf8')), expected);
  const quiet = await runCli(['--no-warnings', '--js-console', '--outdir', 'out2', 'tool.cwl', 'job.yml'], { cwd: dir });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /WARNING/);
});

test('a job file naming its tool with cwl:tool runs in the document\'s place, under a job file and --input values given after it, as in cwltool', async () => {
  const dir = await scratch(FILES);
  await mkdir(path.join(dir, 'sub'));
  // cwl:tool resolves against the job file, not the working directory.
  await writeFile(path.join(dir, 'sub', 'job.json'), JSON.stringify({ 'cwl:tool': '../tool.cwl', message: 'from-sub' }));
  const lines: Array<[string[], string]> = [
    [['with-tool.yml'], 'named-the-tool\n'],
    [['with-tool.yml', '--message', 'from-argv'], 'from-argv\n'],
    [['with-tool.yml', 'job.yml'], 'from-job\n'],
    [['sub/job.json'], 'from-sub\n'],
  ];
  for (const [args, text] of lines) {
    const { bespin, cwltool } = await runBoth(args, { cwd: dir });
    assert.equal(cwltool.code, 0, cwltool.stderr);
    assert.equal(bespin.code, 0, bespin.stderr);
    assert.deepEqual(outputObject(bespin), outputObject(cwltool), args.join(' '));
    assert.equal((outputObject(bespin) as { text: string }).text, text, args.join(' '));
  }
  const validate = await runCli(['--validate', 'with-tool.yml'], { cwd: dir });
  assert.equal(validate.code, 0, validate.stderr);
  assert.equal(validate.stdout, 'with-tool.yml is valid CWL.\n');
  // A job file that names no tool is still no CWL document.
  const plain = await runCli(['job.yml'], { cwd: dir });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /^ERROR .*job\.yml: not a CWL document/m);
});

test('--non-strict runs a document with fields the schema does not name, one warning each; by default and under --strict it is refused, as in cwltool', async () => {
  const dir = await scratch(FILES);
  for (const document of ['odd-tool.cwl', 'odd-wf.cwl']) {
    for (const flags of [[], ['--strict'], ['--non-strict']]) {
      const { bespin, cwltool } = await runBoth([...flags, document, 'job.yml'], { cwd: dir });
      const line = [...flags, document].join(' ');
      assert.equal(bespin.code, cwltool.code, `${line}: bespin ${bespin.stderr}\ncwltool ${cwltool.stderr}`);
      if (flags[0] === '--non-strict') {
        assert.equal(bespin.code, 0, line);
        assert.deepEqual(outputObject(bespin), outputObject(cwltool), line);
        const field = document === 'odd-tool.cwl' ? /^WARNING .*odd-tool\.cwl:10: invalid field unknownField, expected one of: /m : /^WARNING .*odd-wf\.cwl:11: invalid field bogusStepField, expected one of: /m;
        assert.match(bespin.stderr, field, line);
      } else {
        assert.equal(bespin.code, 1, line);
        assert.match(bespin.stderr, /^ERROR .*odd-(tool|wf)\.cwl/m, line);
        assert.match(bespin.stderr, /odd-(tool|wf)\.cwl:(10|11): invalid field (unknownField|bogusStepField)/, line);
      }
    }
  }
  // A document run under --non-strict is not remembered as valid: the next run without it refuses it again.
  const env = { ...process.env, BESPIN_CACHE_DIR: path.join(dir, 'cache') };
  assert.equal((await runCli(['--non-strict', '--outdir', 'cached', 'odd-tool.cwl', 'job.yml'], { cwd: dir, env })).code, 0);
  assert.equal((await runCli(['--outdir', 'cached', 'odd-tool.cwl', 'job.yml'], { cwd: dir, env })).code, 1);
});
