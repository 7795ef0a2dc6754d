import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { apiStatus } from './apiErrors.js';
import { withRetries, type RetryPolicy } from './apiRetry.js';
import { RUN_LABEL } from './podSpec.js';

/** The labels the Job controller puts on its pods, newest first: either names the Job. */
const JOB_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'] as const;

/**
 * The step pods an earlier engine pod of the same Job left behind: owned by
 * a pod of this engine's Job (its controller-uid label) that has ended or is
 * being deleted. A pod deleted through the API has them deleted by its own
 * SIGTERM handler and then by the garbage collector, but an engine pod that
 * was OOM-killed or lost its process stays as a Failed pod, so its step pods
 * keep running and are never collected: the Job's next engine pod removes
 * them. Sibling engine pods still running (a Job with parallelism) are left alone.
 */
export function orphanedStepPods(self: V1Pod, siblings: readonly V1Pod[], stepPods: readonly V1Pod[]): V1Pod[] {
  const ownUid = self.metadata?.uid;
  const ended = new Set(siblings
    .filter((p) => p.metadata?.uid !== ownUid && (p.metadata?.deletionTimestamp !== undefined || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'))
    .map((p) => p.metadata!.uid!));
  return stepPods.filter((p) => p.metadata?.deletionTimestamp === undefined && (p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Pod' && ended.has(o.uid)));
}

/** The selector of the pods of the Job that started `self`, or undefined when no Job did. */
export function jobSelector(self: V1Pod): string | undefined {
  const labels = self.metadata?.labels ?? {};
  const label = JOB_LABELS.find((l) => labels[l] !== undefined);
  return label === undefined ? undefined : `${label}=${labels[label]}`;
}

/**
 * Deletes the step pods of this Job's earlier engine pods (see
 * orphanedStepPods), said in one line. A failure costs only the clean-up:
 * the run goes on, with a warning.
 */
export async function removeOrphanedStepPods(core: CoreV1Api, namespace: string, self: V1Pod, retry: RetryPolicy, logger: Logger): Promise<void> {
  const selector = jobSelector(self);
  if (selector === undefined) return;
  try {
    const [siblings, steps] = await Promise.all([
      withRetries({ verb: 'list', resource: 'pods', namespace }, () => core.listNamespacedPod({ namespace, labelSelector: selector }), retry),
      withRetries({ verb: 'list', resource: 'pods', namespace }, () => core.listNamespacedPod({ namespace, labelSelector: RUN_LABEL }), retry),
    ]);
    const orphans = orphanedStepPods(self, siblings.items, steps.items);
    if (orphans.length === 0) return;
    const owners = [...new Set(orphans.map((p) => p.metadata!.ownerReferences!.find((o) => o.kind === 'Pod')!.name))];
    logger.info(`deleting ${orphans.length} step pod(s) left by the ended engine pod(s) ${owners.join(', ')} of this Job`);
    await Promise.all(orphans.map((p) => withRetries({ verb: 'delete', resource: 'pods', namespace, name: p.metadata!.name! }, () => core.deleteNamespacedPod({ name: p.metadata!.name!, namespace, gracePeriodSeconds: 0 }), retry)
      .catch((error: unknown) => { if (apiStatus(error) !== 404) throw error; })));
  } catch (error) {
    logger.warn(`the step pods of this Job's earlier engine pods could not be cleaned up: ${errorMessage(error)}`);
  }
}
