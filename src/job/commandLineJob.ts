import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CommandLineTool, FileOrDirectory } from '../model/types.js';
import { isPlainObject } from '../model/types.js';
import { mapFiles } from '../model/fileWalk.js';
import { UnsupportedRequirementError, ValidationError } from '../errors.js';
import type { ExpressionEngine } from '../expressions/index.js';
import type { RequirementSet } from '../model/requirements.js';
import { buildCommandLine, toShellScript, type CommandWord } from '../job/commandLine.js';
import { InputStaging } from '../job/inputStaging.js';
import { planInitialWorkDir, type AbsoluteEntrynames } from '../job/initialWorkDir.js';
import type { StagingEntry } from '../job/staging.js';
import { PathMapper } from '../job/pathMapping.js';
import type { ResourceBounds, ResourceEvaluation } from '../job/resources.js';
import { refuseNulBytes } from '../job/nulBytes.js';
import { checkStdin } from '../job/stdinFile.js';
import { expectOptionalString, expectString } from '../expressions/resultTypes.js';

/** Where a job's directories are, on the host and as the process sees them. */
export interface JobDirectories {
  readonly hostOutdir: string;
  readonly hostTmpdir: string;
  readonly hostStageDir: string;
  /**
   * Set when the backend gives each job scratch space of its own at this
   * path (a pod's emptyDir at /tmp, when --tmpdir-prefix is on no claim):
   * runtime.tmpdir and TMPDIR are then this path, not hostTmpdir.
   */
  readonly podTmpdir?: string;
}

/** The host directories a job's process writes into: its output directory, and its tmpdir unless that is the pod's own. */
export function hostWriteDirs(dirs: JobDirectories): string[] {
  return dirs.podTmpdir === undefined ? [dirs.hostOutdir, dirs.hostTmpdir] : [dirs.hostOutdir];
}

export interface ContainerSpec {
  readonly image: string;
  readonly requirement: Readonly<Record<string, unknown>>;
  /** DockerRequirement is under `requirements` (or is --default-container's, which cwltool adds there), not only a hint. */
  readonly required: boolean;
}

export interface RuntimeObject {
  readonly outdir: string;
  readonly tmpdir: string;
  readonly cores: number;
  readonly ram: number;
  readonly outdirSize: number;
  readonly tmpdirSize: number;
  readonly [key: string]: unknown;
}

/** Everything a backend needs to run one CommandLineTool invocation. */
export interface CommandLineJob {
  readonly name: string;
  readonly argv: readonly string[];
  /** The words argv was made of, before quoting: what the logged command line is made from, secrets masked. */
  readonly words: readonly CommandWord[];
  /** Whether argv is the words as one `/bin/sh -c` script (ShellCommandRequirement). */
  readonly shellCommand: boolean;
  readonly stdin?: string;
  /** File names relative to the output directory. */
  readonly stdout?: string;
  readonly stderr?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly dirs: JobDirectories;
  readonly runtime: RuntimeObject;
  /** Where inputs are staged, as the process sees it (the host staging directory, or a container's own). */
  readonly stageRoot: string;
  readonly staging: readonly StagingEntry[];
  /** The job's one path map, made from the above: what a container binds, and how collecting outputs maps paths back to the host. */
  readonly paths: PathMapper;
  readonly container?: ContainerSpec;
  readonly networkAccess: boolean;
  readonly timeLimitSeconds?: number;
  /** The job object with every path as the process sees it. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** ResourceRequirement as written (evaluated): requests and limits for a pod. */
  readonly resources: ResourceBounds;
}

export type { ResourceBounds };

export interface BuildOptions {
  readonly dirs: JobDirectories;
  readonly useContainer: boolean;
  readonly defaultContainer?: string;
  readonly name: string;
  /** The engine's PATH (the CLI reads it), which a host process inherits; absent: /usr/bin:/bin. */
  readonly hostPath?: string;
  /** --preserve-environment / --preserve-entire-environment: engine variables the tool sees (HOME and TMPDIR still the job's). */
  readonly preservedEnv?: Readonly<Record<string, string>>;
  /**
   * Whether the container sees its own paths (/var/spool/cwl, as with Docker)
   * or the engine's (Kubernetes: the same volumes at the same paths, and the
   * output directory also at DockerRequirement's dockerOutputDirectory).
   */
  readonly containerPaths?: boolean;
  /** ResourceRequirement, evaluated once before the job was admitted. */
  readonly resources: ResourceEvaluation;
}

export const CONTAINER_OUTDIR = '/var/spool/cwl';
export const CONTAINER_TMPDIR = '/tmp';
export const CONTAINER_STAGE = '/var/lib/cwl';

export async function buildCommandLineJob(
  tool: CommandLineTool, inputs: Record<string, unknown>, requirements: RequirementSet, engine: ExpressionEngine, options: BuildOptions,
): Promise<CommandLineJob> {
  const where = options.name;
  const container = chosenContainer(requirements, options, where);
  const { outdir, tmpdir, stageRoot, ownPaths } = processDirectories(container, options);
  const staging = new InputStaging(stageRoot);
  let mapped = staging.mapValue(inputs);

  const { bounds, ...sizes } = options.resources;
  const runtime: RuntimeObject = { outdir, tmpdir, ...sizes };
  const ev = (text: unknown, self: unknown = null, keepWhitespace = false): Promise<unknown> =>
    engine.evaluate(text, { inputs: mapped, self, runtime }, undefined, { stripWhitespace: !keepWhitespace });

  const inplace = requirements.get('InplaceUpdateRequirement')?.inplaceUpdate === true;
  const dockerRequired = container !== undefined && requirements.isRequired('DockerRequirement');
  const absolute: AbsoluteEntrynames = !dockerRequired ? 'needs-docker' : ownPaths ? 'allowed' : 'not-in-pods';
  const iwd = await planInitialWorkDir(requirements.get('InitialWorkDirRequirement'), ev, {
    outdir, absolute, inplaceUpdate: inplace, version: tool.originalVersion, where,
  });
  if (iwd.relocated.size > 0) mapped = relocate(mapped, iwd.relocated);

  const words = await buildCommandLine(tool, mapped, ev);
  const shellCommand = requirements.has('ShellCommandRequirement');
  const argv = shellCommand ? ['/bin/sh', '-c', toShellScript(words)] : words.map((w) => w.text);
  if (argv.length === 0) throw new ValidationError(`${where}: the command line is empty (no baseCommand or arguments)`);
  const streams = await redirections(tool, ev, where);
  const env = await environment(requirements, ev, { ...options, hasContainer: container !== undefined, outdir, tmpdir });
  const network = requirements.get('NetworkAccess');
  const timeLimitSeconds = await timeLimit(requirements, ev, where);
  refuseNulBytes({ argv, env, ...streams }, inputs, where);
  const stagingEntries = [...staging.entries, ...iwd.entries];
  checkStdin(streams.stdin, stagingEntries, where);
  return {
    name: options.name,
    argv,
    words,
    shellCommand,
    ...definedOnly(streams),
    env,
    dirs: options.dirs,
    runtime,
    stageRoot,
    staging: stagingEntries,
    paths: PathMapper.forJob({ dirs: options.dirs, runtime, stageRoot, staging: stagingEntries }),
    ...(container ? { container } : {}),
    networkAccess: network ? Boolean(await ev(network.networkAccess)) : false,
    ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
    inputs: mapped,
    resources: bounds,
  };
}

type Evaluate = (text: unknown) => Promise<unknown>;

/** The container a job runs in: DockerRequirement's image, or --default-container; none without a container backend. */
function chosenContainer(requirements: RequirementSet, options: BuildOptions, where: string): ContainerSpec | undefined {
  if (!options.useContainer) {
    // A hint may be dropped; a requirement may not (cwltool refuses it the same way).
    if (requirements.isRequired('DockerRequirement')) {
      throw new UnsupportedRequirementError(`${where}: --no-container, but DockerRequirement is a requirement of this tool, not a hint: it cannot run without its container`);
    }
    return undefined;
  }
  const docker = requirements.get('DockerRequirement');
  if (docker) {
    const image = String(docker.dockerPull ?? docker.dockerImageId ?? '');
    if (!image && !docker.dockerFile && !docker.dockerLoad) throw new ValidationError(`${where}: DockerRequirement needs dockerPull, dockerImageId, dockerLoad or dockerFile`);
    return { image: image || `bespin-built-${randomBytes(4).toString('hex')}`, requirement: docker, required: requirements.isRequired('DockerRequirement') };
  }
  if (options.defaultContainer) return { image: options.defaultContainer, requirement: { class: 'DockerRequirement', dockerPull: options.defaultContainer }, required: true };
  return undefined;
}

/** The output directory, tmpdir and staging root as the process sees them: a container's own paths, or the engine's. */
function processDirectories(container: ContainerSpec | undefined, options: BuildOptions): { outdir: string; tmpdir: string; stageRoot: string; ownPaths: boolean } {
  const ownPaths = container !== undefined && options.containerPaths !== false;
  if (!ownPaths) {
    // A pod sees the engine's paths, but for the output directory a
    // DockerRequirement names: the backend mounts the job's own there too.
    const chosen = container?.requirement.dockerOutputDirectory;
    const outdir = chosen !== undefined ? String(chosen) : options.dirs.hostOutdir;
    return { outdir, tmpdir: options.dirs.podTmpdir ?? options.dirs.hostTmpdir, stageRoot: options.dirs.hostStageDir, ownPaths };
  }
  return { outdir: String(container.requirement.dockerOutputDirectory ?? CONTAINER_OUTDIR), tmpdir: CONTAINER_TMPDIR, stageRoot: CONTAINER_STAGE, ownPaths };
}

interface Redirections { stdin?: string | undefined; stdout?: string | undefined; stderr?: string | undefined }

/** stdin, stdout and stderr as evaluated; `type: stdout`/`stderr` outputs without a name get a random one. */
async function redirections(tool: CommandLineTool, ev: Evaluate, where: string): Promise<Redirections> {
  const stdin = tool.stdin !== undefined ? expectOptionalString(await ev(tool.stdin), 'stdin', where) : undefined;
  let stdout = tool.stdout !== undefined ? expectString(await ev(tool.stdout), 'stdout', where) : undefined;
  let stderr = tool.stderr !== undefined ? expectString(await ev(tool.stderr), 'stderr', where) : undefined;
  if (stdout === undefined && tool.outputs.some((o) => o.type === 'stdout')) stdout = `${randomBytes(20).toString('hex')}.stdout`;
  if (stderr === undefined && tool.outputs.some((o) => o.type === 'stderr')) stderr = `${randomBytes(20).toString('hex')}.stderr`;
  for (const name of [stdout, stderr]) {
    if (name !== undefined && (path.posix.isAbsolute(name) || name.split('/').includes('..'))) {
      throw new ValidationError(`${where}: stdout/stderr name '${name}' must be a relative path inside the output directory`);
    }
  }
  return { stdin, stdout, stderr };
}

function definedOnly(streams: Redirections): Redirections {
  return Object.fromEntries(Object.entries(streams).filter(([, v]) => v !== undefined));
}

interface EnvironmentOptions extends BuildOptions { readonly hasContainer: boolean; readonly outdir: string; readonly tmpdir: string }

async function environment(requirements: RequirementSet, ev: Evaluate, options: EnvironmentOptions): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...options.preservedEnv, HOME: options.outdir, TMPDIR: options.tmpdir };
  // A host process inherits the engine's PATH; a pod (containerPaths false)
  // keeps its image's own, like any container.
  if (!options.hasContainer && options.containerPaths !== false) env.PATH = options.hostPath ?? '/usr/bin:/bin';
  const envReq = requirements.get('EnvVarRequirement');
  for (const def of Array.isArray(envReq?.envDef) ? envReq.envDef : []) {
    if (isPlainObject(def)) env[String(def.envName)] = String(await ev(def.envValue));
  }
  return env;
}

async function timeLimit(requirements: RequirementSet, ev: Evaluate, where: string): Promise<number | undefined> {
  const limit = requirements.get('ToolTimeLimit');
  if (!limit) return undefined;
  const v = await ev(limit.timelimit);
  if (typeof v !== 'number' || v < 0) throw new ValidationError(`${where}: ToolTimeLimit timelimit must be a non-negative number, got ${JSON.stringify(v)}`);
  return v > 0 ? v : undefined;
}

/** Inputs that InitialWorkDirRequirement staged again (in the output directory) are seen there, secondaryFiles too. */
function relocate<T>(value: T, moved: ReadonlyMap<string, string>): T {
  return mapFiles(value, (f) => {
    const target = moved.get(f.location);
    if (!target) return f;
    return { ...f, path: target, ...(f.class === 'File' ? { dirname: path.posix.dirname(target) } : {}) } as FileOrDirectory;
  }, { descend: (f) => f.class === 'File' });
}
