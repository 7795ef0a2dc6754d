import { ValidationError } from '../../errors.js';

/*
 * Docker's image reference grammar (github.com/distribution/reference,
 * regexp.go): [domain[:port]/]path-component(/path-component)*[:tag][@digest].
 * A reference can never begin with '-', so an image checked here cannot be
 * read by `docker` as an option.
 */
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|-+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${name})(?::${tag})?(?:@${digest})?$`);
/** An image ID as `docker images --no-trunc` shows it, with or without its algorithm. */
const IMAGE_ID = /^(?:sha256:)?[a-f0-9]{64}$/;
/** distribution/reference's NameTotalLengthMax. */
const NAME_MAX = 255;
/** Longer than any valid reference (name, tag and a sha512 digest): never handed to the regex. */
const REFERENCE_MAX = 600;

/** Whether `image` is a Docker image reference or image ID. */
export function isImageReference(image: string): boolean {
  if (IMAGE_ID.test(image)) return true;
  if (image.length > REFERENCE_MAX) return false;
  const match = REFERENCE.exec(image);
  return match !== null && match[1]!.length <= NAME_MAX;
}

/**
 * Refuses an image that is not a reference or an ID; `field` says where the
 * value was written (DockerRequirement's dockerPull, dockerImageId...).
 */
export function checkImageReference(image: string, field: string, where: string): void {
  if (isImageReference(image)) return;
  throw new ValidationError(
    `${where}: ${field} '${image}' is not a Docker image reference ([registry[:port]/]name[:tag][@digest], with a lowercase name) or image ID`,
  );
}

/**
 * Checks every image name a DockerRequirement gives, and the image the job
 * will run (which may be derived from them, or be --default-container).
 */
export function checkImages(image: string, requirement: Readonly<Record<string, unknown>>, where: string): void {
  for (const field of ['dockerPull', 'dockerImageId'] as const) {
    const value = requirement[field];
    if (value !== undefined) checkImageReference(String(value), `DockerRequirement ${field}`, where);
  }
  checkImageReference(image, 'image', where);
}
