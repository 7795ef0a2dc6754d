import { PermanentFailure } from '../errors.js';

const MAX_SHOWN = 200;

/** Shortens an expression for error messages (~200 characters). */
export function truncateExpression(expression: string): string {
  if (expression.length <= MAX_SHOWN) return expression;
  return `${expression.slice(0, MAX_SHOWN - 3)}...`;
}

/**
 * A CWL expression or parameter reference could not be evaluated. Per the
 * spec this is a permanentFailure of the process, hence the base class.
 *
 * `expression` is the full text of the failing `$(...)`/`${...}` (or the whole
 * field when the field itself could not be scanned); `reason` is the cause
 * without the expression, e.g. "TypeError: ..." or "timed out after 500 ms".
 */
export class ExpressionError extends PermanentFailure {
  readonly expression: string;
  readonly reason: string;

  constructor(expression: string, reason: string, options?: { cause?: unknown }) {
    super(`Expression failed: ${truncateExpression(expression)}: ${reason}`, options);
    this.name = 'ExpressionError';
    this.expression = expression;
    this.reason = reason;
  }
}

export function timeoutReason(timeoutMs: number): string {
  return `timed out after ${timeoutMs} ms`;
}

export function memoryReason(memoryMb: number): string {
  return `exceeded the ${memoryMb} MiB memory limit`;
}

/** The environment variable that sets how much one evaluation may grow the engine's resident memory. */
export const RESIDENT_MEMORY_VARIABLE = 'BESPIN_EXPRESSION_MAX_RSS';

export function residentMemoryReason(limitMb: number): string {
  return `grew the engine's resident memory by more than the ${limitMb} MiB limit (${RESIDENT_MEMORY_VARIABLE})`;
}

export const REQUIRES_JAVASCRIPT =
  'InlineJavascriptRequirement is needed to evaluate JavaScript expressions ' +
  '(without it only parameter references such as $(inputs.x) are allowed)';
