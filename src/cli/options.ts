import path from 'node:path';
import { peerOption } from './peerOptions.js';
/**
 * Every engine option: cwltool's single-machine flags and Calrissian's
 * cluster flags. One table drives both yargs and the split between engine
 * options and the tool inputs that follow the document.
 */
export interface OptionSpec {
  readonly type: 'boolean' | 'string' | 'number' | 'array';
  readonly describe: string;
  readonly default?: unknown;
  readonly group?: string;
  /** The only values the option takes (anything else is a usage error, as cwltool's argparse choices). */
  readonly choices?: readonly string[];
}

export const ENGINE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  outdir: { type: 'string', describe: 'Output directory for the final outputs', default: '.' },
  'tmp-outdir-prefix': { type: 'string', describe: 'Prefix for the temporary output directories of steps' },
  'tmpdir-prefix': { type: 'string', describe: 'Prefix for temporary directories' },
  cachedir: { type: 'string', describe: 'Reuse the outputs of CommandLineTool steps run before with the same tool, requirements and inputs (by content), and cache new ones here' },
  parallel: { type: 'boolean', describe: 'Run independent steps in parallel (the default)' },
  quiet: { type: 'boolean', describe: 'Only print warnings and errors' },
  verbose: { type: 'boolean', describe: 'Print more progress' },
  debug: { type: 'boolean', describe: 'Print debugging information' },
  validate: { type: 'boolean', describe: 'Validate the document (and a job given with it) and exit' },
  'make-template': { type: 'boolean', describe: 'Print a job object template for the document and exit' },
  'print-dot': { type: 'boolean', describe: 'Print the workflow graph as DOT and exit' },
  pack: { type: 'boolean', describe: 'Print the document with everything it references, as one $graph, and exit' },
  'no-container': { type: 'boolean', describe: 'Ignore DockerRequirement and run tools on the host' },
  'default-container': { type: 'string', describe: 'Image for tools without DockerRequirement' },
  'force-docker-pull': { type: 'boolean', describe: 'Pull images even when present locally' },
  'leave-container': { type: 'boolean', describe: 'Do not delete containers/pods after they finish' },
  'rm-container': { type: 'boolean', describe: 'Delete containers/pods after they finish (default)' },
  'leave-tmpdir': { type: 'boolean', describe: 'Do not delete temporary directories' },
  'rm-tmpdir': { type: 'boolean', describe: 'Delete temporary directories (default)' },
  'disable-pull': { type: 'boolean', describe: 'Never pull images: use local ones, fail when missing' },
  'no-match-user': { type: 'boolean', describe: "Run containers as the image's user, not the invoking user" },
  'no-read-only': { type: 'boolean', describe: "Leave a container's own file system writable (by default only what the engine mounts, such as the output directory and /tmp, is)" },
  'strict-memory-limit': { type: 'boolean', describe: "Limit a container's memory to its ResourceRequirement ramMax (or ramMin)" },
  'preserve-environment': { type: 'array', describe: 'Pass this environment variable to tools (repeatable)' },
  'preserve-entire-environment': { type: 'boolean', describe: "Pass the engine's whole environment to tools" },
  'relax-path-checks': { type: 'boolean', describe: 'Accept file names with characters cwltool refuses (spaces, #, …) (bespin accepts them always)' },
  'write-summary': { type: 'string', describe: 'Write the output object to this file instead of standard output' },
  'log-dir': { type: 'string', describe: "Directory for each step's stdout/stderr log (as --tool-logs-basepath)" },
  overrides: { type: 'string', describe: 'YAML/JSON file of requirement overrides (cwltool:overrides)' },
  target: { type: 'array', describe: 'Run only what this workflow output or step needs (repeatable)' },
  'single-step': { type: 'string', describe: 'Run only this workflow step; the job object gives its inputs' },
  'leave-outputs': { type: 'boolean', describe: 'Leave outputs where the tools wrote them' },
  'move-outputs': { type: 'boolean', describe: 'Move outputs into --outdir (default)' },
  'copy-outputs': { type: 'boolean', describe: 'Copy outputs into --outdir' },
  'enable-ext': { type: 'boolean', describe: 'Enable cwltool extensions' },
  strict: { type: 'boolean', describe: 'Refuse fields the schema does not name (the default, as in cwltool), and what cwltool tolerates where the spec is silent (null items in array outputs)' },
  'non-strict': { type: 'boolean', describe: 'Run documents with fields the schema does not name, one warning each, as cwltool (--strict wins over it)' },
  'eval-timeout': { type: 'number', describe: 'Seconds a JavaScript expression may run', default: 60 },
  timestamps: { type: 'boolean', describe: 'Add timestamps to log lines' },
  'log-format': { type: 'string', default: 'text', choices: ['text', 'json'], describe: "Log lines on stderr (and in --stderr): text, as cwltool's and Calrissian's, or json, one object a line for log collectors" },
  'on-error': {
    type: 'string', default: 'stop', choices: ['stop', 'continue'],
    describe: 'After a step fails: stop (start no more steps, cancel the running ones) or continue (run on what does not depend on it); the run fails either way, once nothing runs',
  },
  retries: { type: 'number', describe: 'Retries for temporary failures', default: 0 },
  backend: { type: 'string', describe: 'local | kubernetes (default: kubernetes inside a pod, else local)' },
  'max-ram': { type: 'string', describe: 'Memory budget (512Mi, 2G, bytes)' },
  'max-cores': { type: 'string', describe: 'CPU budget (Kubernetes quantities: 2, 1.5, 500m)' },
  'max-gpus': { type: 'number', describe: 'GPU budget' },
  'pod-labels': { type: 'string', describe: 'YAML/JSON file of labels for step pods' },
  'pod-env-vars': { type: 'string', describe: 'YAML/JSON file of environment variables for step pods' },
  'pod-nodeselectors': { type: 'string', describe: 'YAML/JSON file of node selectors for step pods' },
  'pod-serviceaccount': { type: 'string', describe: 'Service account of step pods' },
  'pods-on-engine-node': { type: 'boolean', describe: "Place every step pod on the node the engine's own pod (CALRISSIAN_POD_NAME) runs on, for clusters with only ReadWriteOnce storage" },
  'pod-allow-root': { type: 'boolean', describe: "Let step pods run as root, with the runtime's default capabilities, when the engine runs as root (refused by default)" },
  'pod-requests': {
    type: 'string', default: 'calrissian', choices: ['calrissian', 'min-max'],
    describe: "What step pods request: calrissian (each tool's maximum cores and RAM, a missing maximum being the minimum, capped at --max-cores/--max-ram, and no limits, as Calrissian) or min-max (the minimum, with a stated maximum as the limit)",
  },
  'pod-priority-class': { type: 'string', describe: 'Priority class of step pods' },
  'pod-image-pull-secret': { type: 'array', describe: 'Image pull secret for step pods (repeatable)' },
  'env-from-secret': { type: 'array', describe: 'Secret to load env from (repeatable)' },
  'env-from-configmap': { type: 'array', describe: 'ConfigMap to load env from (repeatable)' },
  'usage-report': { type: 'string', describe: 'Write a resource usage report to this file' },
  stdout: { type: 'string', describe: 'Also write the output object to this file (truncated first)' },
  stderr: { type: 'string', describe: 'Also write everything shown on standard error to this file (truncated first)' },
  'tool-logs-basepath': { type: 'string', describe: 'Directory for per-step logs (one file per step)' },
  conf: { type: 'string', describe: 'JSON file of option defaults keyed like Calrissian (max_ram, ...; other keys: one warning); ~/.calrissian/default.json is read first' },
  'network-access-pod-label': { type: 'string', describe: 'Labels for pods of steps with network access' },
  'no-network-access-pod-label': { type: 'string', describe: 'Labels for pods of steps without network access' },
  namespace: { type: 'string', describe: 'Kubernetes namespace' },
  'oom-retry': { type: 'number', describe: 'Retry an OOMKilled step this many times, each time with twice the memory, admitted within --max-ram (a size that can never fit fails the step)', default: 0 },
  'unschedulable-timeout': { type: 'number', describe: 'Seconds a step pod no node can take (even emptied) may stay unschedulable before the step fails; a pod waiting for room on busy nodes waits', default: 300 },
  'max-download-size': { type: 'string', describe: 'Largest remote (http/https) input to download: 10Gi, 500M, bytes (default 64Gi, or BESPIN_MAX_DOWNLOAD_BYTES)' },
  'download-timeout': { type: 'number', describe: 'Seconds one remote (http/https) input may take to download (default 3600, or BESPIN_DOWNLOAD_TIMEOUT)' },
  volume: { type: 'array', describe: 'CLAIM:MOUNTPATH mapping of a PVC (outside a cluster)' },
};

/** cwltool's message for an option value outside its choices (a usage error: exit 2), if any. */
export function invalidChoice(values: Readonly<Record<string, unknown>>): string | undefined {
  for (const [name, spec] of Object.entries(ENGINE_OPTIONS)) {
    const value = values[name];
    if (spec.choices === undefined || value === undefined || spec.choices.includes(String(value))) continue;
    return `argument --${name}: invalid choice: '${String(value)}' (choose from ${spec.choices.map((c) => `'${c}'`).join(', ')})`;
  }
  return undefined;
}

/**
 * The values as argparse keeps them: an option that is not a list, given
 * more than once (yargs makes an array of it), has its last value, so that
 * the command line overrides CWLTOOL_OPTIONS' words before it.
 */
export function lastValues(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => {
    const spec = Object.hasOwn(ENGINE_OPTIONS, name) ? ENGINE_OPTIONS[name]! : undefined;
    return [name, spec && spec.type !== 'array' && Array.isArray(value) ? value.at(-1) : value];
  }));
}

/** Whether an engine flag takes the next argument as its value, for splitting argv without yargs. */
export function takesValue(flag: string): boolean {
  const name = flag.replace(/^--?/, '').split('=')[0]!;
  if (flag.includes('=')) return false;
  const spec = ENGINE_OPTIONS[name] ?? ENGINE_OPTIONS[name.replace(/^no-/, '')];
  // A peer's option bespin does not name itself (`--parallel-max 4`, `-w FILE`) takes its value too.
  if (!spec) return peerOption(flag)?.value === 'required';
  if (name.startsWith('no-') && !ENGINE_OPTIONS[name]) return false;
  return spec.type !== 'boolean';
}

/**
 * An absolute scratch prefix, read as cwltool reads it: `/x/run-` makes
 * `/x/run-XXXXXX` directories, and a prefix ending in `/` is a directory to
 * make them in (`/calrissian/tmpout/` → `/calrissian/tmpout/XXXXXX`), so
 * its trailing slash must survive resolution.
 */
export function scratchPrefix(option: unknown, fallback: string): string {
  const given = option === undefined ? fallback : String(option);
  const resolved = path.resolve(given);
  return given.endsWith('/') && !resolved.endsWith('/') ? `${resolved}/` : resolved;
}
