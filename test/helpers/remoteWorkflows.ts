/**
 * Documents and data for remote-input tests, shared by the local and the
 * Kubernetes runs: a workflow whose job object names Files (one with
 * secondary files found by pattern at the URL, one with them given), a
 * Directory made from a listing of URLs, and a tool's and a workflow's default at a URL.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Route } from './fileServer.js';

/** What the server holds for the remote workflow. */
export const REMOTE_FILES: Readonly<Record<string, Route>> = {
  '/data/reads.txt': 'reads\n',
  '/data/reads.txt.idx': 'reads index\n',
  '/data/sample.txt': 'sample\n',
  '/data/sample.txt.idx': 'sample index\n',
  '/data/b1.txt': 'bundle one\n',
  '/data/b2.txt': 'bundle two\n',
  '/data/get': 'named by its basename\n',
  '/data/extra.txt': 'tool default\n',
  '/data/wf.txt': 'workflow default\n',
};

/** What the step writes: every remote file, read where the step sees it. */
export const REMOTE_OUTPUT = 'reads\nreads index\nsample\nsample index\nbundle one\nbundle two\nnamed by its basename\ntool default\nworkflow default\nb1.txt b2.txt\n';

/** The tool (with an image for Docker and pods) and the workflow, written into `dir`; returns the workflow's path. */
export async function writeRemoteWorkflow(dir: string, url: string): Promise<string> {
  await writeFile(path.join(dir, 'concat.cwl'), `cwlVersion: v1.2
class: CommandLineTool
hints:
  DockerRequirement: {dockerPull: docker.io/debian:stable-slim}
baseCommand: [sh, -c, 'cat "$1" "$1.idx" "$2" "$2.idx" "$3"/b1.txt "$3"/b2.txt "$4" "$5" "$6"; echo $(ls "$3")', sh]
inputs:
  reads: {type: File, secondaryFiles: [.idx], inputBinding: {position: 1}}
  sample: {type: File, secondaryFiles: [.idx], inputBinding: {position: 2}}
  bundle: {type: Directory, inputBinding: {position: 3}}
  named: {type: File, inputBinding: {position: 4}}
  extra:
    type: File
    default: {class: File, location: "${url}/data/extra.txt"}
    inputBinding: {position: 5}
  wf_default: {type: File, inputBinding: {position: 6}}
outputs:
  out: stdout
stdout: out.txt
`);
  const wf = path.join(dir, 'remote.cwl');
  await writeFile(wf, `cwlVersion: v1.2
class: Workflow
inputs:
  reads: {type: File, secondaryFiles: [.idx, {pattern: .opt, required: false}]}
  sample: {type: File, secondaryFiles: [.idx]}
  bundle: Directory
  named: File
  wf_default:
    type: File
    default: {class: File, location: "${url}/data/wf.txt"}
outputs:
  out: {type: File, outputSource: concat/out}
  reads_back: {type: File, outputSource: reads}
steps:
  concat:
    run: concat.cwl
    in: {reads: reads, sample: sample, bundle: bundle, named: named, wf_default: wf_default}
    out: [out]
`);
  return wf;
}

/** The job object: only URLs. */
export function remoteJob(url: string): Record<string, unknown> {
  return {
    reads: { class: 'File', location: `${url}/data/reads.txt` },
    sample: { class: 'File', location: `${url}/data/sample.txt`, secondaryFiles: [{ class: 'File', location: `${url}/data/sample.txt.idx` }] },
    bundle: { class: 'Directory', basename: 'bundle', listing: [{ class: 'File', location: `${url}/data/b1.txt` }, { class: 'File', location: `${url}/data/b2.txt` }] },
    named: { class: 'File', location: `${url}/data/get?id=7`, basename: 'named.txt' },
  };
}

/** A tool reading one File, for failure tests. */
export const CAT_TOOL = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: cat
inputs:
  f: {type: File, inputBinding: {position: 1}}
outputs:
  out: stdout
`;

/** A 20-way scatter whose every element reads the same step default at a URL. */
export function sharedDefaultScatter(url: string): string {
  return `cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs:
  n: int[]
outputs:
  said: {type: "File[]", outputSource: each/out}
steps:
  each:
    scatter: n
    in:
      n: n
      f: {default: {class: File, location: "${url}/shared.txt"}}
    out: [out]
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'echo "$0 $(cat "$1")"']
      inputs:
        n: {type: int, inputBinding: {position: 1}}
        f: {type: File, inputBinding: {position: 2}}
      outputs:
        out: stdout
`;
}
