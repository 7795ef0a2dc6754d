import { UserError, errorMessage } from '../../errors.js';

/** One Kubernetes API call, as messages name it: `create pods in namespace x`. */
export interface ApiCall {
  readonly verb: 'create' | 'delete' | 'get' | 'list' | 'watch' | 'patch';
  /** With its subresource: `pods`, `pods/log`. */
  readonly resource: string;
  readonly namespace: string;
  /** The object's name, when the call is about one. */
  readonly name?: string;
  /** The workflow step the call was made for, which the message starts with. */
  readonly step?: string;
}

/**
 * Transient errors are worth another attempt (the server is busy, restarting
 * or unreachable for a moment); permanent ones fail the same way every time
 * (no permission, no such object, a request the server refuses, a bad
 * kubeconfig), so retrying them only hides the reason for minutes.
 */
export type ApiErrorKind = 'transient' | 'permanent';

/** Network failures of a call that reached no answer, by Node's and undici's codes. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** The HTTP status of a failed call: client-node's ApiException has `code`, its Watch `statusCode`. */
export function apiStatus(error: unknown): number | undefined {
  if (error instanceof KubernetesApiError) return error.status;
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** The network error code of a failed call (on the error or its cause), if any. */
function networkCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

export function classifyApiError(error: unknown): ApiErrorKind {
  const status = apiStatus(error);
  if (status !== undefined) return status === 429 || status === 408 || status >= 500 ? 'transient' : 'permanent';
  const code = networkCode(error);
  if (code !== undefined) return TRANSIENT_CODES.has(code) ? 'transient' : 'permanent';
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' ? 'transient' : 'permanent';
}

/** The server's own words (a Status object's message), else the error's first line. */
export function apiErrorDetail(error: unknown): string {
  const body = (error as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string' && body !== '') {
    try { return (JSON.parse(body) as { message?: string }).message ?? body; } catch { return body; } // a body that is not JSON is the message itself
  }
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  // undici says only "fetch failed"; what failed is its cause (`connect ECONNREFUSED 10.0.0.1:443`).
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (errorMessage(error) === 'fetch failed' && cause !== undefined) return errorMessage(cause).split('\n')[0]!;
  return errorMessage(error).split('\n')[0]!;
}

/** `forbidden (403)`, `connection refused (ECONNREFUSED)`. */
function what(error: unknown): string {
  const status = apiStatus(error);
  // Not an ESM import of node:http: that links all its exports, undici's lazy
  // ones too (~25 ms), on every run, since the CLI reads this module's defaults.
  if (status !== undefined) return `${(process.getBuiltinModule('node:http').STATUS_CODES[status] ?? 'error').toLowerCase()} (${status})`;
  const code = networkCode(error);
  return code ? `no answer (${code})` : 'failed';
}

/**
 * A Kubernetes API call that failed for good: one line naming the verb and
 * the resource, exit 1 (`cannot create pods in namespace x: forbidden (403): …`).
 */
export class KubernetesApiError extends UserError {
  readonly status: number | undefined;
  readonly kind: ApiErrorKind;

  constructor(readonly call: ApiCall, error: unknown, attempts = 1) {
    const target = `${call.resource}${call.name ? ` ${call.name}` : ''} in namespace ${call.namespace}`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    super(`${call.step ? `${call.step}: ` : ''}cannot ${call.verb} ${target}: ${what(error)}${tries}: ${apiErrorDetail(error)}`, { cause: error });
    this.status = apiStatus(error);
    this.kind = classifyApiError(error);
  }
}

/** The error as a KubernetesApiError for `call`, unless it already is one. */
export function asApiError(call: ApiCall, error: unknown, attempts = 1): KubernetesApiError {
  return error instanceof KubernetesApiError ? error : new KubernetesApiError(call, error, attempts);
}
