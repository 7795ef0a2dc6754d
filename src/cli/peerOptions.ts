/**
 * What bespin does with every option of the engines it stands in for
 * (cwltool 3.3 and Calrissian 0.18.1, whose parser is cwltool's plus its
 * own twelve): one list, read by the command line (peerArguments.ts), the
 * docs table (docs/cli-compatibility.md) and the tests, so that none of the
 * three can drift from the others.
 *
 * - honoured: bespin does what the peer does (for some, that is bespin's
 *   default, which the option only restates);
 * - accepted-ignored: it cannot apply to bespin and leaving it out changes
 *   no result: the run goes on after one warning line (`note`);
 * - unsupported: running on without it would be wrong: one line (`note`),
 *   exit 33, cwltool's code for an unsupported feature.
 */
export type PeerTreatment = 'honoured' | 'accepted-ignored' | 'unsupported';

export interface PeerOption {
  /** The long name, without `--`. */
  readonly name: string;
  /** The short alias, with its `-` (`-w`), if the peer has one. */
  readonly short?: string;
  /** Whether it takes a value (argparse's nargs): cwltool's `--parallel-max 4`. */
  readonly value: 'none' | 'required' | 'optional';
  /** Only Calrissian has it (the rest are cwltool's, which Calrissian also takes). */
  readonly calrissianOnly?: true;
  readonly treatment: PeerTreatment;
  /** honoured: how (for the docs); accepted-ignored: the warning; unsupported: why. */
  readonly note: string;
}

const H = 'honoured';
const I = 'accepted-ignored';
const U = 'unsupported';
const none = 'none';
const req = 'required';

const DOCKER_ONLY = 'bespin runs containers with Docker (or as Kubernetes pods) only';
const NO_PROVENANCE = 'bespin does not record CWLProv research objects';
const DEFAULT = (what: string): string => `bespin's default (${what})`;

function option(name: string, value: PeerOption['value'], treatment: PeerTreatment, note: string, extra: Partial<PeerOption> = {}): PeerOption {
  return { name, value, treatment, note, ...extra };
}

export const PEER_OPTIONS: readonly PeerOption[] = [
  option('help', none, H, 'prints the options and exits 0 (`tool.cwl --help`: the tool\'s inputs)', { short: '-h' }),
  option('basedir', req, U, 'bespin resolves job-file paths from the job file, and command-line inputs from the working directory'),
  option('outdir', req, H, 'where the final outputs go'),
  option('write-summary', req, H, 'the output object goes to this file', { short: '-w' }),
  option('parallel', none, H, DEFAULT('independent steps run in parallel')),
  option('parallel-max', req, I, 'bespin limits parallel jobs by --max-cores and --max-ram, not by count'),
  option('skip-schemas', none, I, 'bespin reads $schemas only to check formats, and a missing one is skipped with a warning anyway'),
  option('enable-dev', none, I, 'bespin runs CWL v1.0, v1.1 and v1.2 only; there are no development versions to enable'),
  option('enable-ext', none, H, "cwltool's extensions are allowed"),
  option('disable-validate', none, I, 'bespin always validates the document (it costs milliseconds, cached between runs)'),
  option('fast-parser', none, I, 'bespin has one parser'),
  option('on-error', req, H, 'stop or continue after a step fails'),
  option('relax-path-checks', none, H, DEFAULT('file names with any characters are accepted')),
  option('overrides', req, H, 'requirement overrides from a file'),
  option('mpi-config-file', req, U, 'bespin does not run MPI jobs (cwltool:MPIRequirement)'),
  option('generate-help-preview', 'optional', U, "cwltool's help-rendering preview is not part of bespin"),
  option('print-rdf', none, U, 'bespin does not print RDF'),
  option('print-dot', none, H, 'prints the workflow graph as DOT'),
  option('print-pre', none, U, "bespin does not print cwltool's preprocessed document (--pack prints the whole document)"),
  option('print-deps', none, H, 'prints the documents the document depends on, as cwltool (locations relative to it)'),
  option('print-input-deps', none, U, 'bespin does not list the files a job object depends on'),
  option('pack', none, H, 'prints the packed document'),
  option('version', none, H, 'prints the version'),
  option('validate', none, H, 'validates the document (and a job file or `--input value`s given with it, as cwltool) and exits'),
  option('print-supported-versions', none, H, 'prints v1.0, v1.1, v1.2, one a line'),
  option('print-subgraph', none, U, 'bespin does not print subgraphs (--target runs them)'),
  option('print-targets', none, H, "lists the workflow's inputs, outputs and steps (with theirs), as cwltool"),
  option('make-template', none, H, 'prints a job template'),
  option('relative-deps', req, U, '--print-deps prints locations relative to the document only'),
  option('rdf-serializer', req, U, 'bespin does not print RDF'),
  option('tool-help', none, H, "prints the tool's inputs as options (as `tool.cwl --help`)"),
  option('verbose', none, H, 'more progress'),
  option('no-warnings', none, H, 'only errors are logged'),
  option('quiet', none, H, 'only warnings and errors are logged'),
  option('debug', none, H, 'debugging output'),
  option('log-dir', req, H, "each step's stdout/stderr log goes there"),
  option('timestamps', none, H, 'log lines carry timestamps'),
  option('preserve-environment', req, H, 'passes this variable to tools (repeatable)'),
  option('preserve-entire-environment', none, H, "passes the engine's environment to tools"),
  option('tmpdir-prefix', req, H, 'prefix of temporary directories'),
  option('tmp-outdir-prefix', req, H, 'prefix of step output directories'),
  option('cachedir', req, H, 'reuses step results cached there'),
  option('rm-tmpdir', none, H, DEFAULT('temporary directories are deleted')),
  option('leave-tmpdir', none, H, 'temporary directories are kept'),
  option('move-outputs', none, H, DEFAULT('outputs are moved to --outdir')),
  option('leave-outputs', none, H, 'outputs stay where tools wrote them'),
  option('copy-outputs', none, H, 'outputs are copied to --outdir'),
  option('provenance', req, U, NO_PROVENANCE),
  option('enable-user-provenance', none, U, NO_PROVENANCE),
  option('disable-user-provenance', none, H, DEFAULT('no provenance is recorded')),
  option('enable-host-provenance', none, U, NO_PROVENANCE),
  option('disable-host-provenance', none, H, DEFAULT('no provenance is recorded')),
  option('orcid', req, I, 'it names the user in provenance records, which bespin does not write'),
  option('full-name', req, I, 'it names the user in provenance records, which bespin does not write'),
  option('strict', none, H, "cwltool's default: fields the schema does not name are refused; also refuses what cwltool tolerates where the spec is silent"),
  option('non-strict', none, H, 'fields the schema does not name are a warning each, and the run goes on, as cwltool; without it they are refused (where the spec is silent bespin tolerates what cwltool does either way)'),
  option('no-doc-cache', none, I, 'bespin loads each document once per run (schema verdicts are cached by content, so a changed document is checked again)'),
  option('doc-cache', none, H, DEFAULT('documents are loaded once per run')),
  option('user-space-docker-cmd', req, U, DOCKER_ONLY),
  option('udocker', none, U, DOCKER_ONLY),
  option('singularity', none, U, DOCKER_ONLY),
  option('podman', none, U, DOCKER_ONLY),
  option('no-container', none, H, 'tools run on the host'),
  option('enable-pull', none, H, DEFAULT('missing images are pulled')),
  option('disable-pull', none, H, 'images are never pulled'),
  option('singularity-sandbox-path', req, I, 'bespin does not run Singularity, so it has no sandbox'),
  option('force-docker-pull', none, H, 'images are pulled even when present'),
  option('no-read-only', none, H, "a container's own file system stays writable"),
  option('default-container', req, H, 'image for tools without DockerRequirement'),
  option('no-match-user', none, H, "containers run as the image's user"),
  option('custom-net', req, U, 'bespin does not attach containers to a named Docker network'),
  option('strict-memory-limit', none, H, "a container's memory is limited to its ramMax (or ramMin)"),
  option('strict-cpu-limit', none, I, 'bespin does not cap a container at its coresMax (pods get their requests as Calrissian sets them)'),
  option('rm-container', none, H, DEFAULT('containers are deleted')),
  option('leave-container', none, H, 'containers are kept'),
  option('record-container-id', none, I, 'bespin does not write container id files'),
  option('cidfile-dir', req, I, 'bespin does not write container id files'),
  option('cidfile-prefix', req, I, 'bespin does not write container id files'),
  option('beta-dependency-resolvers-configuration', req, U, 'bespin does not resolve SoftwareRequirement with Galaxy tool dependency resolvers'),
  option('beta-dependencies-directory', req, I, 'bespin does not install SoftwareRequirement packages, so it has no directory for them'),
  option('beta-use-biocontainers', none, U, 'bespin does not pick BioContainers images for SoftwareRequirement'),
  option('beta-conda-dependencies', none, U, 'bespin does not install SoftwareRequirement packages with Conda'),
  option('enable-color', none, I, 'bespin logs without colour'),
  option('disable-color', none, H, DEFAULT('logs carry no colour')),
  option('enable-ga4gh-tool-registry', none, U, 'bespin does not look tools up in a GA4GH tool registry'),
  option('disable-ga4gh-tool-registry', none, H, DEFAULT('no tool registry is consulted')),
  option('add-ga4gh-tool-registry', req, I, 'bespin does not look tools up in a GA4GH tool registry'),
  option('compute-checksum', none, H, DEFAULT('output Files carry a sha1 checksum')),
  option('no-compute-checksum', none, I, 'bespin computes output checksums anyway (outputs gain a `checksum` field)'),
  option('eval-timeout', req, H, 'seconds an expression may run'),
  option('js-console', none, I, "bespin does not show expressions' console output"),
  option('disable-js-validation', none, H, DEFAULT('expressions are not linted')),
  option('js-hint-options-file', req, I, 'bespin does not lint expressions with jshint'),
  option('target', req, H, 'runs only what this output or step needs (repeatable)', { short: '-t' }),
  option('single-step', req, H, 'runs one step'),
  option('single-process', req, U, "bespin does not run a step's process without the step (--single-step runs the step)"),
  option('max-ram', req, H, 'memory budget', { calrissianOnly: true }),
  option('max-cores', req, H, 'CPU budget', { calrissianOnly: true }),
  option('max-gpus', 'optional', H, 'GPU budget', { calrissianOnly: true }),
  option('pod-labels', 'optional', H, 'labels of step pods, from a file', { calrissianOnly: true }),
  option('pod-env-vars', 'optional', H, 'environment variables of step pods, from a file', { calrissianOnly: true }),
  option('pod-nodeselectors', 'optional', H, 'node selectors of step pods, from a file', { calrissianOnly: true }),
  option('pod-serviceaccount', req, H, 'service account of step pods', { calrissianOnly: true }),
  option('usage-report', 'optional', H, 'resource usage report', { calrissianOnly: true }),
  option('stdout', 'optional', H, 'the output object also goes to this file', { calrissianOnly: true }),
  option('stderr', 'optional', H, 'standard error also goes to this file', { calrissianOnly: true }),
  option('tool-logs-basepath', 'optional', H, 'per-step logs go there', { calrissianOnly: true }),
  option('conf', req, H, 'option defaults from a JSON file (keys bespin does not use: one warning)', { calrissianOnly: true }),
];

/** The peer option a command-line flag names (`--parallel-max`, `--parallel-max=4`, `-w`), if any. */
export function peerOption(flag: string): PeerOption | undefined {
  if (!flag.startsWith('--')) return PEER_OPTIONS.find((o) => o.short === flag);
  const name = flag.slice(2).split('=')[0]!;
  return PEER_OPTIONS.find((o) => o.name === name);
}
