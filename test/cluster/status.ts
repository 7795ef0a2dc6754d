/** `Status` objects and the errors the API answers with, shaped as k8s.io/apimachinery/pkg/api/errors makes them. */

export interface StatusCause { reason?: string; message: string; field?: string }
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource as errors name it: `pods`, or `jobs.batch` for a group. */
export interface ResourceName { readonly plural: string; readonly group: string; readonly kind: string }

const qualified = (r: ResourceName): string => (r.group ? `${r.plural}.${r.group}` : r.plural);
const qualifiedKind = (r: ResourceName): string => (r.group ? `${r.kind}.${r.group}` : r.kind);
const withGroup = (r: ResourceName, d: StatusDetails): StatusDetails => (r.group ? { name: d.name, group: r.group, ...d } : d);

export type FieldErrorType = 'Required' | 'Invalid' | 'NotSupported' | 'Duplicate' | 'NotFound' | 'Forbidden' | 'TooLong';
export interface FieldError { readonly type: FieldErrorType; readonly field: string; readonly value?: unknown; readonly detail?: string }

const CAUSE_REASON: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired', Invalid: 'FieldValueInvalid', NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate', NotFound: 'FieldValueNotFound', Forbidden: 'FieldValueForbidden', TooLong: 'FieldValueTooLong',
};

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v ?? null));

/** The part of a field error after "field: ". */
export function fieldErrorBody(e: FieldError): string {
  const detail = e.detail ? `: ${e.detail}` : '';
  switch (e.type) {
    case 'Required': return `Required value${detail}`;
    case 'Invalid': return `Invalid value: ${show(e.value)}${detail}`;
    case 'NotSupported': return `Unsupported value: ${show(e.value)}${detail}`;
    case 'Duplicate': return `Duplicate value: ${show(e.value)}`;
    case 'NotFound': return `Not found: ${show(e.value)}`;
    case 'Forbidden': return `Forbidden${detail}`;
    case 'TooLong': return `Too long${detail}`;
  }
}

export const required = (field: string, detail?: string): FieldError => ({ type: 'Required', field, detail });
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'Invalid', field, value, detail });
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError =>
  ({ type: 'NotSupported', field, value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'Duplicate', field, value });
export const notFoundField = (field: string, value: unknown): FieldError => ({ type: 'NotFound', field, value });
export const forbiddenField = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    if (!this.reason) delete s.reason;
    return s;
  }

  static badRequest(message: string): ApiError { return new ApiError(400, 'BadRequest', message); }
  static unauthorized(): ApiError { return new ApiError(401, 'Unauthorized', 'Unauthorized'); }
  static notFound(r: ResourceName, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualified(r)} ${JSON.stringify(name)} not found`, withGroup(r, { name, kind: r.plural }));
  }
  static pathNotFound(): ApiError { return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}); }
  static alreadyExists(r: ResourceName, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualified(r)} ${JSON.stringify(name)} already exists`, withGroup(r, { name, kind: r.plural }));
  }
  static conflict(r: ResourceName, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} ${JSON.stringify(name)}: ${why}`, withGroup(r, { name, kind: r.plural }));
  }
  static invalid(r: ResourceName, name: string, errors: readonly FieldError[]): ApiError {
    const parts = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
    const summary = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
    const causes = errors.map((e) => ({ reason: CAUSE_REASON[e.type], message: fieldErrorBody(e), field: e.field }));
    return new ApiError(422, 'Invalid', `${qualifiedKind(r)} ${JSON.stringify(name)} is invalid: ${summary}`, withGroup(r, { name, kind: r.kind, causes }));
  }
  static forbidden(r: ResourceName | undefined, name: string | undefined, why: string): ApiError {
    const what = r ? `${qualified(r)}${name ? ` ${JSON.stringify(name)}` : ''} is forbidden` : 'forbidden';
    const details: StatusDetails = r ? withGroup(r, name ? { name, kind: r.plural } : { kind: r.plural }) : {};
    return new ApiError(403, 'Forbidden', `${what}: ${why}`, details);
  }
  static methodNotAllowed(): ApiError {
    return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  }
  static unsupportedMediaType(type: string): ApiError {
    return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`);
  }
  static tooManyRequests(retryAfterSeconds: number): ApiError {
    return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
  }
  static internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  }
  static expired(message: string): ApiError { return new ApiError(410, 'Expired', message); }
}

export function successStatus(r: ResourceName, name: string, uid: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: withGroup(r, { name, kind: r.plural, uid }) };
}
