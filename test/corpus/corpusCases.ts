/**
 * The drop-in corpus: small documents of our own, each written from a
 * difference a user switching from cwltool met (issue 21), run with both
 * engines by corpus.itest.ts. A case bespin still answers differently names
 * why in `differs`; the test then asserts that it still differs, so that
 * fixing it shows up as a failure until the note is removed.
 */
export interface CorpusCase {
  /** The folder under test/corpus/cases/ holding its documents. */
  readonly name: string;
  /** What it checks, in a user's words. */
  readonly about: string;
  /** The command line after the engine's own `--quiet --outdir DIR`, run in the case's folder. */
  readonly args: readonly string[];
  /** Why bespin still answers differently; absent when it must agree with cwltool. */
  readonly differs?: string;
}

export const CORPUS: readonly CorpusCase[] = [
  { name: 'file-literal-job', about: 'a File literal (contents, no location) given to a workflow in the job file', args: ['wf.cwl', 'job.yml'] },
  { name: 'file-literal-default', about: "a File literal as a workflow input's default", args: ['wf.cwl'] },
  { name: 'v1.0-default-secondary', about: 'a v1.0 default File with a secondaryFiles list', args: ['tool.cwl'] },
  { name: 'decimal-numbers', about: 'doubles, floats and longs on the command line in decimal notation', args: ['tool.cwl', 'job.yml'] },
  { name: 'stdout-not-a-string', about: 'a stdout expression that returns a number fails the step', args: ['tool.cwl'] },
  { name: 'stdout-not-a-string', about: 'the same tool as the step of a workflow: the partial output object, its output null', args: ['wf.cwl'] },
  { name: 'output-json-extra-keys', about: 'cwl.output.json is the output object, undeclared keys included (v1.2)', args: ['tool.cwl'] },
  { name: 'directory-output-is-file', about: 'a Directory output whose glob matches a regular file fails the step', args: ['tool.cwl'] },
  { name: 'graph-unknown-source', about: 'a step source naming nothing is refused before anything runs', args: ['wf.cwl', 'job.yml'] },
  { name: 'graph-type-mismatch', about: 'a File source into an int input is refused before anything runs', args: ['wf.cwl', 'job.yml'] },
  { name: 'enum-iri-symbol', about: 'an enum whose symbols are path-style IRIs takes the short name in a job', args: ['tool.cwl', 'job.yml'] },
  { name: 'bad-command-line-input', about: 'a tool input given a value of the wrong type on the command line is a usage error', args: ['tool.cwl', '--count', 'notanumber'] },
  { name: 'print-dot-tool', about: '--print-dot of a single tool is refused', args: ['--print-dot', 'tool.cwl'] },
  { name: 'unknown-requirement', about: 'a requirement no engine knows makes the document invalid', args: ['tool.cwl'] },
  { name: 'no-container-required-docker', about: '--no-container with a DockerRequirement under requirements is unsupported', args: ['--no-container', 'tool.cwl'] },
  { name: 'unpullable-image', about: 'an image that cannot be pulled, DockerRequirement under requirements: unsupported, no output object', args: ['required.cwl'] },
  { name: 'unpullable-image', about: 'the same image, DockerRequirement only a hint: a failure, no output object', args: ['hint.cwl'] },
  { name: 'unpullable-image', about: 'the required image of a workflow step: the run ends unsupported, no partial output object', args: ['wf-required.cwl'] },
  { name: 'unpullable-image', about: 'the hinted image of a workflow step: the run fails, no partial output object', args: ['wf-hint.cwl'] },
  { name: 'same-name-outputs', about: "two workflow outputs named out.txt land in --outdir under cwltool's names", args: ['wf.cwl'] },
  { name: 'failed-exit-outputs', about: 'a tool that exits 3 after writing its stdout: exit 1, and its collected outputs in the output object and --outdir', args: ['tool.cwl'] },
  { name: 'failed-exit-outputs', about: 'the same, but a required output matches nothing: exit 1, {}', args: ['missing.cwl'] },
  { name: 'failed-exit-outputs', about: "that tool as a workflow's first step: the partial output object has its output, null for the step that never ran", args: ['wf.cwl'] },
  { name: 'failed-exit-outputs', about: 'that workflow as a subworkflow: its partial outputs feed the outer partial output object', args: ['nested.cwl'] },
  { name: 'overrides-job-file', about: "cwltool:overrides in the job file set a tool's environment", args: ['wf.cwl', 'job.yml'] },
  { name: 'overrides-step-id', about: 'cwltool:overrides in the job file keyed by a step id (wf.cwl#step1)', args: ['wf.cwl', 'job.yml'] },
  { name: 'overrides-step-id', about: 'an --overrides file keyed by a step id (wf.cwl#step1)', args: ['--overrides', 'overrides.yml', 'wf.cwl'] },
  { name: 'overrides-relative-to-document', about: "an --overrides file's keys name processes relative to the document run, not to the file", args: ['--overrides', 'ov/ov.yml', 'sub/wf.cwl'] },
  { name: 'overrides-relative-to-document', about: "a job file's cwltool:overrides keys name processes relative to the document run", args: ['sub/wf.cwl', 'ov/job.yml'] },
  { name: 'single-step-nested', about: '--single-step of a step that runs a subworkflow runs that subworkflow', args: ['--single-step', 'sub', 'wf.cwl', 'job.yml'] },
  { name: 'single-step-nested', about: '--single-step sub/inner runs a step inside the subworkflow step sub runs', args: ['--single-step', 'sub/inner', 'wf.cwl', 'job.yml'] },
  {
    name: 'long-beyond-2-53', about: 'a long of 9007199254740993 (past 2^53) in the job file is echoed exactly', args: ['tool.cwl', 'job.yml'],
    differs: 'cwltool (Python) echoes 9007199254740993; a JavaScript number would make it 9007199254740992, so bespin refuses it naming the input (exit 33) rather than change it',
  },
  { name: 'v1.0-position-expression', about: "an expression as inputBinding 'position' needs v1.1: a v1.0 tool using one is invalid", args: ['tool.cwl', 'job.yml'] },
  { name: 'nested-array-shorthand', about: "the type shorthand 'string[][]' is no type in v1.2 (one '[]' only): the tool is invalid", args: ['tool.cwl', 'job.yml'] },
  { name: 'directory-literal', about: 'a Directory literal (listing, no location) given to a workflow in the job file, read by a step and passed through', args: ['wf.cwl', 'job.yml'] },
  { name: 'directory-literal', about: "a Directory literal as a workflow input's default, read by a step and passed through", args: ['wf-default.cwl'] },
  { name: 'single-step-step-features', about: "--single-step keeps the step's valueFrom", args: ['--single-step', 'vf', 'wf.cwl', 'job.yml'] },
  { name: 'single-step-step-features', about: "--single-step keeps the step's in default", args: ['--single-step', 'dflt', 'wf.cwl', 'empty.yml'] },
  { name: 'single-step-step-features', about: "--single-step keeps the step's scatter", args: ['--single-step', 'sc', 'wf.cwl', 'arr.yml'] },
  { name: 'packed-self-import', about: 'a packed document whose step $imports a fragment of the same file', args: ['packed.cwl#main', '--word', 'hi'] },
];
