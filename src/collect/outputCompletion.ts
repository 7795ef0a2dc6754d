import type { FileOrDirectory } from '../model/types.js';
import { forEachFileAsync } from '../model/fileWalk.js';
import { sha1HostFile, smallFileDigest } from '../files/hostRead.js';
import { listDirectory } from '../files/listing.js';
import { uriToPath } from '../files/uri.js';
import { FileBoundary } from './fileBoundary.js';

/**
 * As cwltool's relocation ends: in the output object placed in `outdir`,
 * every Directory without a listing gets its deep listing, and every File
 * without a checksum (an input or a Directory literal a workflow passed
 * through, their listings) its size and sha1. What the steps' collection
 * completed already is not read again. Only `outdir` is read.
 */
export async function completeOutputObject(outputs: Record<string, unknown>, outdir: string, document: string): Promise<void> {
  const scope = FileBoundary.ownDirectory(outdir);
  for (const [id, value] of Object.entries(outputs)) {
    const where = `${document}: output '${id}'`;
    await forEachFileAsync(value, async (f) => {
      if (!f.location || f.location.startsWith('_:')) return;
      const p = uriToPath(f.location);
      if (f.class === 'Directory') {
        if (f.listing === undefined) f.listing = (await listDirectory(p, 'deep_listing', `${where}: listing of`, scope)).map(finalEntry);
      } else if (f.checksum === undefined) {
        const { size, sha1 } = smallFileDigest(p, where, scope) ?? await sha1HostFile(p, where, scope);
        f.size = size;
        f.checksum = `sha1$${sha1}`;
      }
    });
  }
}

/** A listing entry as cwltool's final output object has it: without the fields derived from its path. */
function finalEntry(entry: FileOrDirectory): FileOrDirectory {
  const { dirname: _dirname, nameroot: _nameroot, nameext: _nameext, ...rest } = entry;
  if (rest.class === 'Directory' && rest.listing) rest.listing = rest.listing.map(finalEntry);
  return rest as FileOrDirectory;
}
