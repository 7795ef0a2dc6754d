import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../src/errors.js';
import { jobObjectFromText } from '../../src/load/jobFile.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';

test('cwl:tool names the job object\'s process, resolved against the job file, and is no input', () => {
  const job = jobObjectFromText('cwl:tool: ../tools/echo.cwl\nmessage: hi\n', 'file:///work/jobs/job.yml', DEFAULT_LIMITS);
  assert.deepEqual(job.inputs, { message: 'hi' });
  assert.equal(job.tool, 'file:///work/tools/echo.cwl');
  assert.equal(jobObjectFromText('message: hi\n', 'file:///work/jobs/job.yml', DEFAULT_LIMITS).tool, undefined);
  assert.throws(() => jobObjectFromText('cwl:tool: [a]\n', 'file:///work/jobs/job.yml', DEFAULT_LIMITS), (e) => e instanceof ValidationError && /cwl:tool must name a CWL document/.test(e.message));
});
