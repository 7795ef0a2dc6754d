import { PermanentFailure } from '../../errors.js';

/**
 * Docker could not give a job's image: a pull, build or load failed, or
 * --disable-pull found none. Shared by every job naming the image, so it says
 * nothing of requirement or hint: DockerBackend turns it into each job's
 * own error (errors.ts containerUnavailable). The engine's own refusals of a
 * dockerLoad file are not this: they stay PermanentFailures.
 */
export class ImageUnavailable extends PermanentFailure {}
