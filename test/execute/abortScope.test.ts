import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abortScope } from '../../src/execute/abortScope.js';

test('a scope aborts with the run, on its own without the run, and not after dispose', () => {
  const run = new AbortController();
  const steps = abortScope(run.signal);
  const elements = abortScope(steps.signal);
  elements.abort(new Error('element failed'));
  assert.equal(steps.signal.aborted, false, 'cancelling the elements leaves the steps');
  const other = abortScope(steps.signal);
  const reason = new Error('SIGTERM');
  run.abort(reason);
  assert.equal(steps.signal.reason, reason);
  assert.equal(other.signal.reason, reason, 'through every level');
  const late = new AbortController();
  const disposed = abortScope(late.signal);
  disposed.dispose();
  late.abort();
  assert.equal(disposed.signal.aborted, false);
  assert.equal(abortScope(run.signal).signal.reason, reason, 'made under an aborted run, it starts aborted');
});
