import type { Backend } from '../backends/backend.js';
import { HostBackend } from '../backends/host/hostBackend.js';
import type { Logger } from '../logger.js';
import type { BackendOptions } from './backendOptions.js';

/** The one backend every CommandLineTool job of the run goes to. */
export async function openBackend(options: BackendOptions, logger: Logger): Promise<Backend> {
  if (options.kind === 'kubernetes') {
    // Loaded only when asked for: the Kubernetes client costs start-up time.
    const { createKubernetesBackend } = await import('../backends/kubernetes/setup.js');
    return createKubernetesBackend({ ...options.cluster, logger });
  }
  return new HostBackend({ ...options.host, logger });
}
