// Host reads go through the gate in files/; these names stay importable from load/ while callers move.
export { CONTENTS_LIMIT, readContents, smallFileDigest, sha1HostFile } from '../files/hostRead.js';
export { splitName } from '../files/names.js';
export { exists, existsNow, isDirectory, describeHostFile, describeHostDirectory } from '../files/hostFiles.js';
export { listDirectory } from '../files/listing.js';
