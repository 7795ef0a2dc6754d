import { readFile } from 'node:fs/promises';
import { uriToPath } from './uri.js';
import { ValidationError, errorMessage } from '../errors.js';

/** Reads a document from a `file://` or `http(s)://` URI. */
export async function fetchText(uri: string, signal?: AbortSignal): Promise<string> {
  if (uri.startsWith('http://') || uri.startsWith('https://')) {
    let response: Response;
    try {
      response = await fetch(uri, { signal: signal ?? AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new ValidationError(`Cannot fetch ${uri}: ${errorMessage(error)}`);
    }
    if (!response.ok) throw new ValidationError(`Cannot fetch ${uri}: HTTP ${response.status} ${response.statusText}`);
    return response.text();
  }
  const file = uriToPath(uri);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ValidationError(`${file}: no such file`);
    if (code === 'EISDIR') throw new ValidationError(`${file}: is a directory, not a document`);
    throw new ValidationError(`Cannot read ${file}: ${errorMessage(error)}`);
  }
}
