/** Image references as the kubelet parses them (github.com/distribution/reference ParseNormalizedNamed + default tag). */

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export type ImageRef = { ok: true; normalized: string } | { ok: false; message: string };

/** The fully qualified reference (`docker.io/library/debian:latest`), or the kubelet's InvalidImageName message. */
export function parseImage(image: string): ImageRef {
  const fail = (why: string): ImageRef => ({ ok: false, message: `Failed to apply default image tag ${JSON.stringify(image)}: couldn't parse image reference ${JSON.stringify(image)}: ${why}` });
  if (/^[a-f0-9]{64}$/.test(image)) return fail(`invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`);
  const slash = image.indexOf('/');
  let domain = 'docker.io';
  let remainder = image;
  if (slash >= 0) {
    const first = image.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      remainder = image.slice(slash + 1);
    }
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  const namePart = remainder.split(/[:@]/)[0]!;
  if (namePart.toLowerCase() !== namePart) return fail('invalid reference format: repository name must be lowercase');
  const full = `${domain}/${remainder}`;
  const m = REFERENCE.exec(full);
  if (!m || m[1]!.length > 255) return fail('invalid reference format');
  const tagged = m[2] === undefined && m[3] === undefined ? `${full}:latest` : full;
  return { ok: true, normalized: tagged };
}

export function pullFailureMessage(image: string, normalized: string): string {
  return `Failed to pull image ${JSON.stringify(image)}: rpc error: code = NotFound desc = failed to pull and unpack image ${JSON.stringify(normalized)}: failed to resolve reference ${JSON.stringify(normalized)}: ${normalized}: not found`;
}
