import { CoreV1Api } from '@kubernetes/client-node';
import type { ClusterUnderTest } from './clusterUnderTest.js';

export const PLACEHOLDER_POD = 'engine-placeholder';

/** The claims' host directories, mounted at those same paths in the engine's pod (output: when the run has that claim). */
export interface EngineDirs {
  readonly input: string;
  readonly tmpout: string;
  readonly output?: string;
}

/**
 * The engine's pod as the platform makes it, for an engine run from the host:
 * it mounts the three claims at the engine's paths and only sleeps. Both
 * bespin and Calrissian find their volumes by reading the pod that
 * CALRISSIAN_POD_NAME names.
 */
export async function placeholderPod(c: ClusterUnderTest, dirs: EngineDirs, name = PLACEHOLDER_POD): Promise<void> {
  const core = c.admin.makeApiClient(CoreV1Api);
  await core.createNamespacedPod({
    namespace: c.namespace,
    body: {
      metadata: { name },
      spec: {
        restartPolicy: 'Never', terminationGracePeriodSeconds: 0, automountServiceAccountToken: false,
        containers: [{
          name: 'engine', image: 'docker.io/debian:stable-slim', imagePullPolicy: 'IfNotPresent', command: ['sleep', 'infinity'],
          volumeMounts: [
            { name: 'input', mountPath: dirs.input, readOnly: true },
            { name: 'tmpout', mountPath: dirs.tmpout },
            ...(dirs.output ? [{ name: 'output', mountPath: dirs.output }] : []),
          ],
        }],
        volumes: [
          { name: 'input', persistentVolumeClaim: { claimName: 'calrissian-input-data', readOnly: true } },
          { name: 'tmpout', persistentVolumeClaim: { claimName: 'calrissian-tmpout' } },
          ...(dirs.output ? [{ name: 'output', persistentVolumeClaim: { claimName: 'calrissian-output-data' } }] : []),
        ],
      },
    },
  });
}
