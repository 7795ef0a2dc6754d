import { ValidationError } from '../errors.js';
import { jobObjectFromText, type JobFile } from '../load/jobFile.js';
import { describeLimit, jobFileSizeLimit, type LoadLimits } from '../load/limits.js';
import { toUri } from '../files/uri.js';

/**
 * The job object read from standard input (`bespin tool.cwl -`, as cwltool
 * reads it): YAML or JSON within the job-file size limit, locations relative
 * to the working directory.
 */
export async function readStdinJob(limits: LoadLimits, stdin: NodeJS.ReadableStream = process.stdin): Promise<JobFile> {
  const limit = jobFileSizeLimit(limits);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit.bytes) throw new ValidationError(`job object on standard input: larger than ${describeLimit(limit)}`);
    chunks.push(buffer);
  }
  // A directory URI with a trailing slash, so relative locations resolve inside it.
  return jobObjectFromText(Buffer.concat(chunks).toString('utf8'), `${toUri(process.cwd())}/`, limits);
}
