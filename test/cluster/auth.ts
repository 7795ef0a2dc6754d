/** Bearer-token authentication: tokens issued by the cluster for its admin and service accounts. */
import { randomBytes } from 'node:crypto';

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export const isAdmin = (u: UserInfo): boolean => u.groups.includes('system:masters');

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

export const ADMIN: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

export class Authenticator {
  readonly #tokens = new Map<string, UserInfo>();

  /** A new token for `user` (a JWT-looking opaque string). */
  issue(user: UserInfo): string {
    const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    this.#tokens.set(token, user);
    return token;
  }

  /** The user of an `Authorization: Bearer ...` header, or undefined (401). */
  authenticate(header: string | undefined): UserInfo | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return m ? this.#tokens.get(m[1]!) : undefined;
  }
}
