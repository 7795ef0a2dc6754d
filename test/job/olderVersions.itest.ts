/**
 * A v1.0 or v1.1 tool run as it meant under its own version (cwltool's
 * reading where the spec is silent): runtime.ram, ResourceRequirement
 * values and InitialWorkDirRequirement listings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, scratch } from '../helpers/cli.js';

/** A tool printing one expression's value to stdout, as its output `out`. */
function tool(version: string, requirements: string, argument: string): string {
  return [
    `cwlVersion: ${version}`,
    'class: CommandLineTool',
    'requirements:',
    '  InlineJavascriptRequirement: {}',
    requirements,
    'inputs: []',
    `arguments: [echo, '${argument}']`,
    'stdout: out.txt',
    'outputs:',
    '  out:',
    '    type: string',
    '    outputBinding: {glob: out.txt, loadContents: true, outputEval: "$(self[0].contents.trim())"}',
  ].filter((l) => l !== '').join('\n');
}

async function run(version: string, requirements: string, argument: string): Promise<{ code: number | null; out?: string; stderr: string }> {
  const dir = await scratch({ 'tool.cwl': tool(version, requirements, argument) });
  const result = await runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl')]);
  const out = result.code === 0 ? (JSON.parse(result.stdout) as { out: string }).out : undefined;
  return { code: result.code, stderr: result.stderr, ...(out !== undefined ? { out } : {}) };
}

describe('runtime.ram of a tool naming no RAM', () => {
  it('is 1024 MiB in v1.0, as cwltool has it, and 256 MiB from v1.1', async () => {
    assert.equal((await run('v1.0', '', '$(runtime.ram)')).out, '1024');
    assert.equal((await run('v1.1', '', '$(runtime.ram)')).out, '256');
  });
});

describe('a fractional ResourceRequirement expression', () => {
  it('fails before v1.2, naming the field, and is kept in v1.2', async () => {
    const req = '  ResourceRequirement: {coresMin: $(1.5)}';
    const old = await run('v1.1', req, '$(runtime.cores)');
    assert.equal(old.code, 1);
    assert.match(old.stderr, /coresMin evaluated to 1\.5; fractional values need cwlVersion v1\.2/);
    assert.equal((await run('v1.2', req, 'ok')).out, 'ok');
  });
});

describe('InitialWorkDirRequirement before v1.2', () => {
  const numberEntry = '  InitialWorkDirRequirement: {listing: [{entryname: n.json, entry: "$({a: 1})"}]}';
  it('fails on an entry expression giving an object, which v1.2 writes as JSON', async () => {
    const old = await run('v1.1', numberEntry, 'x');
    assert.equal(old.code, 1);
    assert.match(old.stderr, /entry evaluated to \{"a":1\}, which is not a string, File or Directory; that needs cwlVersion v1\.2/);
    assert.equal((await run('v1.2', numberEntry, 'x')).out, 'x');
  });

  it('fails on an absolute entryname, which v1.2 allows in a container of its own', async () => {
    const req = [
      '  DockerRequirement: {dockerPull: "docker.io/debian:stable-slim"}',
      '  InitialWorkDirRequirement: {listing: [{entryname: /abs.txt, entry: hello}]}',
    ].join('\n');
    const old = await run('v1.1', req, 'x');
    assert.equal(old.code, 1);
    assert.match(old.stderr, /entryname '\/abs\.txt' is an absolute path, which needs cwlVersion v1\.2, but the tool declares v1\.1/);
  });

  it('fails in v1.0 on a listing expression giving nested arrays, which v1.1 flattens', async () => {
    const req = '  InitialWorkDirRequirement: {listing: "$([[{class: \'File\', basename: \'a.txt\', contents: \'a\'}]])"}';
    const old = await run('v1.0', req, 'x');
    assert.equal(old.code, 1);
    assert.match(old.stderr, /listing evaluated to a list with arrays in it; that needs cwlVersion v1\.1/);
    assert.equal((await run('v1.1', req, 'x')).out, 'x');
  });
});

describe('cwl:requirements in the job object', () => {
  it('is refused under v1.0 (it came with v1.1), naming the way out, and applied from v1.1', async () => {
    const job = 'cwl:requirements:\n  - class: EnvVarRequirement\n    envDef: {FOO: bar}\n';
    const results = await Promise.all(['v1.0', 'v1.1'].map(async (version) => {
      const dir = await scratch({ 'tool.cwl': tool(version, '', '$(1)').replace("arguments: [echo, '$(1)']", "arguments: [sh, -c, 'echo $FOO']"), 'job.yml': job });
      return runCli(['--quiet', '--outdir', path.join(dir, 'out'), path.join(dir, 'tool.cwl'), path.join(dir, 'job.yml')]);
    }));
    assert.equal(results[0]!.code, 1);
    assert.match(results[0]!.stderr, /cwl:requirements in the job object is not part of CWL v1\.0; use --overrides/);
    assert.doesNotMatch(results[0]!.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(results[1]!.code, 0, results[1]!.stderr);
    assert.equal((JSON.parse(results[1]!.stdout) as { out: string }).out, 'bar');
  });
});
