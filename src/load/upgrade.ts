import type { CwlVersion } from '../model/types.js';
import { ValidationError } from '../errors.js';

const VERSIONS: Record<string, CwlVersion> = {
  'v1.0': 'v1.0', 'v1.1': 'v1.1', 'v1.2': 'v1.2',
  'v1.1.0-dev1': 'v1.1', 'v1.2.0-dev1': 'v1.2', 'v1.2.0-dev2': 'v1.2', 'v1.2.0-dev3': 'v1.2',
  'v1.2.0-dev4': 'v1.2', 'v1.2.0-dev5': 'v1.2',
};

export function parseVersion(raw: unknown, where: string): CwlVersion {
  if (raw === undefined) throw new ValidationError(`${where}: missing 'cwlVersion'; is this a CWL document?`);
  const version = VERSIONS[String(raw)];
  if (!version) throw new ValidationError(`${where}: unsupported cwlVersion '${String(raw)}' (supported: v1.0, v1.1, v1.2)`);
  return version;
}

/**
 * The defaults that changed after v1.0, expressed as hints so that an older
 * document keeps its meaning when run with v1.2 semantics: v1.0 tools had
 * network access and always listed directories deeply.
 */
export function impliedHints(version: CwlVersion): { class: string; [k: string]: unknown }[] {
  if (version === 'v1.0') {
    return [
      { class: 'NetworkAccess', networkAccess: true },
      { class: 'LoadListingRequirement', loadListing: 'deep_listing' },
    ];
  }
  return [];
}
