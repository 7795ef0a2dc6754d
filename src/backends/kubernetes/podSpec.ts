import type { V1Affinity, V1Pod, V1Container, V1Volume, V1VolumeMount, V1EnvVar, V1EnvFromSource, V1OwnerReference } from '@kubernetes/client-node';
import type { CommandLineJob, ResourceBounds } from '../../job/commandLineJob.js';
import { requestedResources } from '../../job/resources.js';
import { shellQuote } from '../../job/commandLine.js';
import type { PodMounts } from './podMounts.js';
import { labelValue } from './names.js';

/** Everything about step pods that comes from the engine's options, not from the job. */
export interface PodOptions {
  readonly namespace: string;
  readonly runId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly networkAccessLabels: Readonly<Record<string, string>>;
  readonly noNetworkAccessLabels: Readonly<Record<string, string>>;
  readonly envFromSecrets: readonly string[];
  readonly envFromConfigMaps: readonly string[];
  readonly imagePullSecrets: readonly string[];
  readonly serviceAccountName?: string;
  readonly priorityClassName?: string;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  /** --pod-allow-root: the operator lets step pods run as root (uid 0); otherwise they must not. */
  readonly allowRoot?: boolean;
  /**
   * --pods-on-engine-node: the node the engine's own pod runs on, where every
   * step pod must go (clusters whose claims are ReadWriteOnce).
   */
  readonly engineNode?: string;
  /** The engine's own pod, when in-cluster: deleting it deletes every step pod. */
  readonly owner?: { readonly name: string; readonly uid: string };
  readonly defaultImage: string;
  /**
   * Always set, never left to the API's default (which is Always for
   * `:latest` and untagged images): cwltool's rule is to use a present image
   * and pull only a missing one, and to pull every time under --force-docker-pull.
   */
  readonly imagePullPolicy: 'IfNotPresent' | 'Always';
}

/** Requests and limits as CWL states them (cores may be fractional; RAM in MiB). */
export type PodResources = ResourceBounds;

export const RUN_LABEL = 'bespin.io/run';
export const STEP_LABEL = 'bespin.io/step';
export const CONTAINER_NAME = 'step';

/**
 * The pod that runs one CommandLineJob, with the mounts `podMounts` planned.
 * Paths inside the pod are the engine's own (each mount is at the path the
 * engine sees), so the job needs no path translation, but for a
 * dockerOutputDirectory (runtime.outdir, where the output directory is
 * mounted too); the command runs under `sh -c` so that stdin/stdout/stderr
 * redirections to files work in any image that has a shell.
 */
export function buildPodSpec(
  job: CommandLineJob, name: string, stepLabel: string, resources: PodResources, planned: PodMounts, options: PodOptions,
): V1Pod {
  const labels: Record<string, string> = {
    ...options.labels,
    ...(job.networkAccess ? options.networkAccessLabels : options.noNetworkAccessLabels),
    [RUN_LABEL]: options.runId,
    [STEP_LABEL]: labelValue(stepLabel),
  };
  const podVolumes: V1Volume[] = [...planned.volumes];
  const mounts: V1VolumeMount[] = [...planned.mounts];
  if (job.dirs.podTmpdir !== undefined) {
    // As in Calrissian: scratch space that is not on a claim is the pod's own.
    podVolumes.push({ name: 'tmpdir', emptyDir: {} });
    mounts.push({ name: 'tmpdir', mountPath: job.dirs.podTmpdir });
  }
  const owner: V1OwnerReference[] | undefined = options.owner
    ? [{ apiVersion: 'v1', kind: 'Pod', name: options.owner.name, uid: options.owner.uid, controller: false, blockOwnerDeletion: false }]
    : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: options.namespace, labels, ...(owner ? { ownerReferences: owner } : {}) },
    spec: {
      restartPolicy: 'Never',
      containers: [stepContainer(job, resources, mounts, options)],
      volumes: podVolumes,
      ...(job.timeLimitSeconds !== undefined ? { activeDeadlineSeconds: Math.ceil(job.timeLimitSeconds) } : {}),
      ...(Object.keys(options.nodeSelector).length > 0 ? { nodeSelector: { ...options.nodeSelector } } : {}),
      ...(options.engineNode !== undefined ? { affinity: onNode(options.engineNode) } : {}),
      // A tool has no business with the API: without --pod-serviceaccount it gets
      // no token (a real API server would mount the namespace's default one).
      ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : { automountServiceAccountToken: false }),
      ...(options.priorityClassName ? { priorityClassName: options.priorityClassName } : {}),
      ...(options.imagePullSecrets.length > 0 ? { imagePullSecrets: options.imagePullSecrets.map((n) => ({ name: n })) } : {}),
      securityContext: {
        ...(options.allowRoot ? {} : { runAsNonRoot: true }),
        ...(options.runAsUser !== undefined ? { runAsUser: options.runAsUser } : {}),
        ...(options.runAsGroup !== undefined ? { runAsGroup: options.runAsGroup } : {}),
        ...(options.fsGroup !== undefined ? { fsGroup: options.fsGroup } : {}),
      },
    },
  };
}

/**
 * A required node affinity on the node's name (matchFields on metadata.name,
 * the one field the scheduler matches), not spec.nodeName: the scheduler
 * still places the pod, so it checks the node's room and taints, and a pod
 * that does not fit waits or is Unschedulable as any other. The name needs
 * no read of the Node (nodes are cluster-scoped; the engine's Role is not).
 */
function onNode(node: string): V1Affinity {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
      },
    },
  };
}

/** The pod's one container: the job's command line, environment, mounts and resources. */
function stepContainer(job: CommandLineJob, resources: PodResources, mounts: V1VolumeMount[], options: PodOptions): V1Container {
  // The operator's --pod-env-vars come last, as in Calrissian: a document cannot override them.
  const env: V1EnvVar[] = Object.entries({ ...job.env, ...options.env }).map(([k, v]) => ({ name: k, value: v }));
  const envFrom: V1EnvFromSource[] = [
    ...options.envFromSecrets.map((s) => ({ secretRef: { name: s } })),
    ...options.envFromConfigMaps.map((c) => ({ configMapRef: { name: c } })),
  ];
  return {
    name: CONTAINER_NAME,
    image: job.container?.image ?? options.defaultImage,
    imagePullPolicy: options.imagePullPolicy,
    command: ['/bin/sh', '-c', redirectingScript(job)],
    workingDir: job.runtime.outdir,
    env,
    ...(envFrom.length > 0 ? { envFrom } : {}),
    volumeMounts: mounts,
    resources: resourceRequirements(resources),
    // Other people's tools: no privilege escalation, no capabilities, the
    // runtime's default seccomp profile. A tool needs none of them to compute;
    // a root pod the operator allowed (--pod-allow-root) keeps the runtime's
    // default capabilities, as root in a Docker container does.
    securityContext: {
      allowPrivilegeEscalation: false,
      ...(options.allowRoot ? {} : { capabilities: { drop: ['ALL'] } }),
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/**
 * `cat stdin | exec argv > stdout 2> stderr`, quoted for sh; a shell-command
 * job's script is used as is. Standard input comes through a pipe, as under
 * `docker run -i` (cwltool, and bespin's local backend), not as a regular
 * file, so a tool sees the same thing in a pod (GNU wc, for one, pads its
 * counts differently for a regular file).
 */
export function redirectingScript(job: CommandLineJob): string {
  const isShell = job.argv.length === 3 && job.argv[0] === '/bin/sh' && job.argv[1] === '-c';
  const command = isShell ? `/bin/sh -c ${shellQuote(job.argv[2]!)}` : `exec ${job.argv.map(shellQuote).join(' ')}`;
  const feed = job.stdin !== undefined ? `cat ${shellQuote(job.stdin)} | ` : '';
  const redirects = [
    job.stdout !== undefined ? `> ${shellQuote(`${job.runtime.outdir}/${job.stdout}`)}` : '',
    job.stderr !== undefined ? `2> ${shellQuote(`${job.runtime.outdir}/${job.stderr}`)}` : '',
  ].filter(Boolean);
  return feed + [command, ...redirects].join(' ');
}

/**
 * Requests are always set (CWL's defaults of 1 core and 256 MiB, 1,024 for a
 * v1.0 tool, when the tool states nothing), so a step pod is never
 * BestEffort and the scheduler places it by what the engine admitted it
 * with; limits only for the maxima left in the bounds (none under
 * Calrissian's requests, job/resources.ts's RequestPolicy).
 */
function resourceRequirements(r: PodResources): { requests?: Record<string, string>; limits?: Record<string, string> } {
  const requested = requestedResources(r);
  const requests: Record<string, string> = { cpu: cpuQuantity(requested.cores), memory: `${requested.ramMiB}Mi` };
  const limits: Record<string, string> = {};
  if (r.coresMax !== undefined) limits.cpu = cpuQuantity(r.coresMax);
  if (r.ramMax !== undefined) limits.memory = `${Math.ceil(r.ramMax)}Mi`;
  if (r.gpus) {
    requests['nvidia.com/gpu'] = String(r.gpus);
    limits['nvidia.com/gpu'] = String(r.gpus);
  }
  return { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

function cpuQuantity(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.ceil(cores * 1000)}m`;
}
