import { randomBytes } from 'node:crypto';

/**
 * A DNS-1123 label (≤ 63 chars, [a-z0-9-], alphanumeric at both ends) made
 * from a step name plus a short random suffix, unique per run and attempt.
 */
export function podName(step: string, suffix: string = randomBytes(3).toString('hex')): string {
  const base = step
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = 63 - suffix.length - 1;
  const trimmed = base.slice(0, room).replace(/-+$/, '') || 'step';
  return `${trimmed}-${suffix}`;
}

/** A valid label value (≤ 63 chars of [A-Za-z0-9._-], alphanumeric at both ends). */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || 'x';
}
